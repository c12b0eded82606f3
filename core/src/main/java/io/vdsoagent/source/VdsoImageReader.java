package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * Copies the vDSO image out of this process's memory into a {@code byte[]}, exactly the
 * {@code [vdso]} range of /proc/self/maps and nothing else.
 *
 * <p>Why /proc/self/mem and not a raw pointer: the neighbouring {@code [vvar]} pages SIGBUS on a
 * direct read and would kill the JVM; through /proc/self/mem a bad address fails cleanly with EIO.
 * We still never ask for a byte outside the [vdso] range.
 *
 * <p>Fixture roots: /proc/self/mem only means something for the live process (and an address like
 * 0x7ffd... is beyond any sparse file a filesystem allows), so a fixture tree instead holds the
 * dumped image as {@code <root>/proc/self/vdso.bin} (see {@link #FIXTURE_IMAGE}), read from offset 0
 * with the same code and the same length rule.
 */
public final class VdsoImageReader {
    /** Real images are 4-16 KiB; a larger [vdso] range is not believable. */
    public static final long MAX_IMAGE_BYTES = 1024 * 1024;
    public static final String FIXTURE_IMAGE = "/proc/self/vdso.bin";

    private final SystemRoot root;

    public VdsoImageReader(SystemRoot root) {
        this.root = root;
    }

    /**
     * @param sysinfoEhdr AT_SYSINFO_EHDR from the auxv; must be where the [vdso] mapping starts
     * @param vdso the [vdso] line of /proc/self/maps
     */
    public Probed<byte[]> read(long sysinfoEhdr, Mapping vdso) {
        if (!"[vdso]".equals(vdso.name())) {
            return Probed.unknown("refusing to read mapping " + vdso.name() + ": only [vdso] is safe");
        }
        if (vdso.start() != sysinfoEhdr) {
            return Probed.unknown("AT_SYSINFO_EHDR 0x" + Long.toHexString(sysinfoEhdr)
                    + " is not the [vdso] start 0x" + Long.toHexString(vdso.start()));
        }
        if (vdso.start() < 0 || vdso.size() <= 0 || vdso.size() > MAX_IMAGE_BYTES) {
            return Probed.unknown("[vdso] range " + vdso + " is not a plausible image (at most "
                    + MAX_IMAGE_BYTES + " bytes)");
        }
        if (!vdso.readable()) {
            return Probed.unknown("[vdso] mapping is not readable (" + vdso.perms() + ")");
        }
        Path file = root.isLive() ? root.resolve("/proc/self/mem") : root.resolve(FIXTURE_IMAGE);
        long offset = root.isLive() ? vdso.start() : 0;
        return copy(file, offset, (int) vdso.size());
    }

    private static Probed<byte[]> copy(Path file, long offset, int length) {
        byte[] image = new byte[length];
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(offset);
            in.readFully(image);
            return Probed.of(image);
        } catch (Exception e) {
            return Probed.unknown("cannot copy " + length + " bytes at 0x" + Long.toHexString(offset) + " from "
                    + file + ": " + Failures.describe(e));
        }
    }
}
