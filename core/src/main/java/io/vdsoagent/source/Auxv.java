package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ELF auxiliary vector the kernel hands every process ({@code /proc/self/auxv}): pairs of
 * native-endian machine words (type, value), terminated by {@code AT_NULL}. Only the few entries we
 * use get named accessors; {@link #get(long)} reaches the rest.
 */
public final class Auxv {
    public static final long AT_NULL = 0;
    public static final long AT_PAGESZ = 6;
    public static final long AT_HWCAP = 16;
    public static final long AT_CLKTCK = 17;
    public static final long AT_HWCAP2 = 26;
    public static final long AT_SYSINFO_EHDR = 33;

    /** A real vector has ~20-60 entries; anything beyond this is not an auxv. */
    static final int MAX_ENTRIES = 1024;

    private final Map<Long, Long> entries;

    private Auxv(Map<Long, Long> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Parses raw auxv bytes. Unknown (never an exception) when the bytes end before {@code AT_NULL},
     * which is how a truncated or foreign file shows itself.
     *
     * @param wordSize 8 for a 64-bit process, 4 for a 32-bit one
     */
    public static Probed<Auxv> parse(byte[] data, ByteOrder order, int wordSize) {
        if (wordSize != 4 && wordSize != 8) {
            return Probed.unknown("unsupported auxv word size " + wordSize);
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(order);
        Map<Long, Long> entries = new LinkedHashMap<>();
        int pairSize = 2 * wordSize;
        while (buf.remaining() >= pairSize) {
            long type = word(buf, wordSize);
            long value = word(buf, wordSize);
            if (type == AT_NULL) {
                return Probed.of(new Auxv(entries));
            }
            if (entries.size() >= MAX_ENTRIES) {
                return Probed.unknown("auxv has more than " + MAX_ENTRIES + " entries before AT_NULL");
            }
            // getauxval returns the first match; keep the same rule for duplicates.
            if (!entries.containsKey(type)) {
                entries.put(type, value);
            }
        }
        return Probed.unknown("auxv truncated: no AT_NULL within " + data.length + " bytes");
    }

    private static long word(ByteBuffer buf, int wordSize) {
        return wordSize == 8 ? buf.getLong() : buf.getInt() & 0xffffffffL;
    }

    /** The value of one entry, or unknown when the kernel did not pass it. */
    public Probed<Long> get(long type) {
        Long value = entries.get(type);
        return value != null ? Probed.of(value) : Probed.unknown("auxv has no entry of type " + type);
    }

    /** AT_SYSINFO_EHDR: the address the vDSO ELF image is mapped at. */
    public Probed<Long> sysinfoEhdr() {
        Long value = entries.get(AT_SYSINFO_EHDR);
        if (value == null || value == 0) {
            return Probed.unknown("auxv has no AT_SYSINFO_EHDR (kernel without vDSO, or vdso=0)");
        }
        return Probed.of(value);
    }

    public Probed<Long> pageSize() {
        return get(AT_PAGESZ);
    }

    public Probed<Long> hwcap() {
        return get(AT_HWCAP);
    }

    /** All entries in file order, type to value. */
    public Map<Long, Long> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return "auxv" + entries;
    }
}
