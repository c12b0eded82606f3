package io.vdsoagent.source.elf;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What {@link ElfParser} found in an image: identity, soname, build-id and exported symbols. */
public final class ElfImage {
    private final boolean is64;
    private final ByteOrder order;
    private final int machine;
    private final String soname;
    private final String buildId;
    private final List<ElfSymbol> symbols;

    ElfImage(boolean is64, ByteOrder order, int machine, String soname, String buildId, List<ElfSymbol> symbols) {
        this.is64 = is64;
        this.order = order;
        this.machine = machine;
        this.soname = soname;
        this.buildId = buildId;
        this.symbols = Collections.unmodifiableList(new ArrayList<>(symbols));
    }

    /** 64 or 32 (EI_CLASS). */
    public int elfClass() {
        return is64 ? 64 : 32;
    }

    public ByteOrder byteOrder() {
        return order;
    }

    /** Raw e_machine, e.g. 62 for x86_64, 183 for aarch64. */
    public int machine() {
        return machine;
    }

    /** e_machine as {@code uname -m} would name it: x86_64, aarch64, ppc64le, s390x, riscv64, ... */
    public String machineName() {
        return ElfMachines.name(machine, is64, order);
    }

    /** DT_SONAME, e.g. {@code linux-vdso.so.1}; empty when absent. */
    public String soname() {
        return soname;
    }

    /** The NT_GNU_BUILD_ID note as lower-case hex; empty when absent. */
    public String buildId() {
        return buildId;
    }

    /** Defined, non-local dynamic symbols in symbol-table order (what {@code objdump -T} lists, minus *UND*). */
    public List<ElfSymbol> symbols() {
        return symbols;
    }
}
