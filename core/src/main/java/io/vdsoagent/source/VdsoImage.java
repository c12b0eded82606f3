package io.vdsoagent.source;

/** The vDSO's bytes as copied from this process, where they were, and how much of them the ELF spans. */
public final class VdsoImage {
    private final long base;
    private final byte[] bytes;
    private final long elfBytes;

    VdsoImage(long base, byte[] bytes, long elfBytes) {
        this.base = base;
        this.bytes = bytes;
        this.elfBytes = elfBytes;
    }

    /** AT_SYSINFO_EHDR. */
    public long base() {
        return base;
    }

    /** The image up to its last page's end (the ELF's extent rounded up to the page size): what is mapped. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The mapped length: {@link #bytes()}'s length. */
    public int mappedBytes() {
        return bytes.length;
    }

    /** The extent the ELF's own headers give (program and section headers, PT_LOAD file bytes). */
    public long elfBytes() {
        return elfBytes;
    }

    /** The bytes without a copy, for the parser in this package. */
    byte[] bytesUnsafe() {
        return bytes;
    }
}
