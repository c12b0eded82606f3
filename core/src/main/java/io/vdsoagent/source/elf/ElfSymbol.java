package io.vdsoagent.source.elf;

import java.util.Objects;

/** One defined, non-local dynamic symbol, with its version as {@code objdump -T} names it. */
public final class ElfSymbol {
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int SHN_ABS = 0xfff1;

    private final String name;
    private final String version;
    private final boolean hidden;
    private final int binding;
    private final int type;
    private final int sectionIndex;
    private final long value;
    private final long size;

    ElfSymbol(String name, String version, boolean hidden, int binding, int type, int sectionIndex, long value,
              long size) {
        this.name = Objects.requireNonNull(name);
        this.version = Objects.requireNonNull(version);
        this.hidden = hidden;
        this.binding = binding;
        this.type = type;
        this.sectionIndex = sectionIndex;
        this.value = value;
        this.size = size;
    }

    public String name() {
        return name;
    }

    /**
     * The version name from DT_VERDEF (e.g. {@code LINUX_2.6}), {@code Base} for the object's base
     * version (index 1), empty when the image has no version table or the index is 0.
     */
    public String version() {
        return version;
    }

    /** Versym bit 0x8000: the version is not the default one (objdump prints it in parentheses). */
    public boolean hidden() {
        return hidden;
    }

    /** STB_GLOBAL, STB_WEAK, or STB_GNU_UNIQUE. */
    public int binding() {
        return binding;
    }

    /** STT_FUNC, STT_OBJECT, ... */
    public int type() {
        return type;
    }

    /** st_shndx; {@link #SHN_ABS} for absolute symbols such as the vDSO's {@code LINUX_2.6}. */
    public int sectionIndex() {
        return sectionIndex;
    }

    /** st_value: the symbol's address relative to the image's link address. */
    public long value() {
        return value;
    }

    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return version.isEmpty() ? name : name + (hidden ? "@" : "@@") + version;
    }
}
