package io.vdsoagent.source;

import java.util.Objects;

/** One line of {@code /proc/self/maps}: {@code start-end perms offset dev inode name}. */
public final class Mapping {
    private final long start;
    private final long end;
    private final String perms;
    private final String name;

    public Mapping(long start, long end, String perms, String name) {
        this.start = start;
        this.end = end;
        this.perms = Objects.requireNonNull(perms, "perms");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Parses one maps line, or returns null for anything that is not one (junk must not stop the
     * scan). Addresses are unsigned hex: the vsyscall page at 0xffffffffff600000 is negative as a long.
     */
    public static Mapping parse(String line) {
        String[] fields = line.trim().split("\\s+", 6);
        if (fields.length < 5) {
            return null;
        }
        int dash = fields[0].indexOf('-');
        String perms = fields[1];
        if (dash <= 0 || perms.length() != 4) {
            return null;
        }
        try {
            long start = Long.parseUnsignedLong(fields[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(fields[0].substring(dash + 1), 16);
            if (Long.compareUnsigned(end, start) <= 0) {
                return null;
            }
            return new Mapping(start, end, perms, fields.length == 6 ? fields[5].trim() : "");
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public long start() {
        return start;
    }

    /** Exclusive end address. */
    public long end() {
        return end;
    }

    /** Unsigned length in bytes (a maps range never exceeds a signed long). */
    public long size() {
        return end - start;
    }

    /** e.g. {@code r-xp}. */
    public String perms() {
        return perms;
    }

    /** e.g. {@code [vdso]}, {@code [vvar_vclock]}, a file path, or empty for anonymous memory. */
    public String name() {
        return name;
    }

    public boolean readable() {
        return perms.charAt(0) == 'r';
    }

    public boolean executable() {
        return perms.charAt(2) == 'x';
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Mapping)) {
            return false;
        }
        Mapping m = (Mapping) o;
        return m.start == start && m.end == end && m.perms.equals(perms) && m.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(start, end, perms, name);
    }

    @Override
    public String toString() {
        return Long.toHexString(start) + "-" + Long.toHexString(end) + " " + perms + " " + name;
    }
}
