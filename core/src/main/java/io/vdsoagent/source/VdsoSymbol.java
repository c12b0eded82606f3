package io.vdsoagent.source;

import java.util.Objects;

/** One dynamic symbol the vDSO exports, as {@code objdump -T} prints it: name and version. */
public final class VdsoSymbol implements Comparable<VdsoSymbol> {
    private final String name;
    private final String version;

    public VdsoSymbol(String name, String version) {
        this.name = Objects.requireNonNull(name, "name");
        this.version = Objects.requireNonNull(version, "version");
    }

    public String name() {
        return name;
    }

    /** e.g. {@code LINUX_2.6}; empty when the image has no version table. */
    public String version() {
        return version;
    }

    @Override
    public int compareTo(VdsoSymbol o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : version.compareTo(o.version);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VdsoSymbol && ((VdsoSymbol) o).name.equals(name) && ((VdsoSymbol) o).version.equals(version);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + version.hashCode();
    }

    @Override
    public String toString() {
        return version.isEmpty() ? name : name + "@" + version;
    }
}
