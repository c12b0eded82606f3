package io.vdsoagent.nativeaccess;

import io.vdsoagent.base.Probed;
import java.nio.charset.StandardCharsets;

/**
 * What uname(2) answers: Linux's {@code struct utsname} is six NUL-terminated fields of 65 bytes each
 * (sysname, nodename, release, version, machine, domainname). It answers where {@code /proc/sys} is
 * missing (gVisor, some hardened containers).
 */
public final class Utsname {
    /** One field's size on Linux ({@code __NEW_UTS_LEN + 1}). */
    static final int FIELD = 65;
    /** The whole struct: the buffer size {@link NativeAccess#uname(long)} needs. */
    public static final int BYTES = 6 * FIELD;

    private final String sysname;
    private final String release;
    private final String version;
    private final String machine;

    private Utsname(String sysname, String release, String version, String machine) {
        this.sysname = sysname;
        this.release = release;
        this.version = version;
        this.machine = machine;
    }

    /** One uname(2) call; unknown with errno when it fails. Never throws. */
    public static Probed<Utsname> read(NativeAccess na) {
        try {
            NativeBuffer buffer = na.allocate(BYTES);
            if (na.uname(buffer.address()) != 0) {
                return Probed.unknown("uname(2) failed, errno " + na.lastErrno());
            }
            byte[] raw = new byte[BYTES];
            buffer.read(0, raw, 0, BYTES);
            return Probed.of(parse(raw));
        } catch (Throwable t) {
            return Probed.unknown("uname(2) failed: " + t.getClass().getSimpleName() + ": " + t.getMessage());
        }
    }

    /** The struct's bytes as the kernel wrote them (tests give their own). */
    static Utsname parse(byte[] raw) {
        if (raw.length < BYTES) {
            throw new IllegalArgumentException("struct utsname is " + BYTES + " bytes, got " + raw.length);
        }
        return new Utsname(field(raw, 0), field(raw, 2), field(raw, 3), field(raw, 4));
    }

    private static String field(byte[] raw, int index) {
        int start = index * FIELD;
        int end = start;
        while (end < start + FIELD && raw[end] != 0) {
            end++;
        }
        return new String(raw, start, end - start, StandardCharsets.UTF_8);
    }

    /** uname -s, "Linux" (gVisor answers the same). */
    public String sysname() {
        return sysname;
    }

    /** uname -r, e.g. 6.18.44 (gVisor: 4.4.0). */
    public String release() {
        return release;
    }

    /** uname -v, e.g. "#1 SMP PREEMPT_DYNAMIC Debian 6.18.44-1". */
    public String version() {
        return version;
    }

    /** uname -m, e.g. x86_64. */
    public String machine() {
        return machine;
    }
}
