package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.source.elf.ElfExtent;
import io.vdsoagent.source.elf.ElfParseException;

import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * Copies the vDSO image out of this process's memory, from AT_SYSINFO_EHDR over the extent its own ELF
 * headers give (rounded up to the page size): {@code /proc/self/maps} is not needed (gVisor maps its vDSO
 * without the {@code [vdso]} name) and only serves as a cross-check ({@link VdsoMapsCheck}).
 *
 * <p>Safe and bounded: every read goes through {@code /proc/self/mem}, where an address outside a readable
 * mapping fails cleanly with EIO (the neighbouring {@code [vvar]} pages SIGBUS on a raw read and would kill
 * the JVM); the ELF header is read first (64 bytes), then its program header table, and the image only
 * once its extent is checked against {@link #MAX_IMAGE_BYTES}.
 *
 * <p>Fixture roots: /proc/self/mem only means something for the live process, so a fixture tree holds the
 * dumped image as {@code <root>/proc/self/vdso.bin} ({@link #FIXTURE_IMAGE}), read from offset 0 with the
 * same code and the same length rules.
 */
public final class VdsoImageReader {
    /** Real images are 4-16 KiB; a larger extent is not believable. */
    public static final long MAX_IMAGE_BYTES = 1024 * 1024;
    public static final String FIXTURE_IMAGE = "/proc/self/vdso.bin";
    /** The reason's start for an image whose headers make no sense (operators and tests grep for it). */
    private static final String NOT_ELF = "vDSO image is not a valid ELF: ";

    private final SystemRoot root;

    public VdsoImageReader(SystemRoot root) {
        this.root = root;
    }

    /**
     * @param sysinfoEhdr AT_SYSINFO_EHDR from the auxv
     * @param pageSize    AT_PAGESZ; 0 when unknown (the image is then copied to the ELF's exact extent)
     */
    public Probed<VdsoImage> read(long sysinfoEhdr, long pageSize) {
        if (sysinfoEhdr <= 0 || sysinfoEhdr > Long.MAX_VALUE - MAX_IMAGE_BYTES) {
            return Probed.unknown("AT_SYSINFO_EHDR is not a user address");
        }
        if (pageSize < 0 || pageSize > MAX_IMAGE_BYTES || (pageSize & (pageSize - 1)) != 0) {
            return Probed.unknown("AT_PAGESZ " + pageSize + " is not a plausible page size");
        }
        Path file = root.isLive() ? root.resolve("/proc/self/mem") : root.resolve(FIXTURE_IMAGE);
        long origin = root.isLive() ? sysinfoEhdr : 0;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            ElfExtent extent = ElfExtent.ofHeader(copy(in, origin, 0, ElfExtent.HEADER_BYTES));
            if (!within(extent.headersEnd()) || !within(extent.programHeadersOffset() + extent.programHeadersBytes())) {
                return Probed.unknown(NOT_ELF + "its headers claim " + extent.headersEnd() + " bytes (at most "
                        + MAX_IMAGE_BYTES + ")");
            }
            long elfBytes = extent.imageBytes(copy(in, origin, extent.programHeadersOffset(),
                    (int) extent.programHeadersBytes()));
            if (!within(elfBytes)) {
                return Probed.unknown(NOT_ELF + "it spans " + elfBytes + " bytes (at most " + MAX_IMAGE_BYTES + ")");
            }
            long mapped = pageSize == 0 ? elfBytes : (elfBytes + pageSize - 1) & -pageSize;
            return Probed.of(new VdsoImage(sysinfoEhdr, copy(in, origin, 0, (int) mapped), elfBytes));
        } catch (ElfParseException e) {
            return Probed.unknown(NOT_ELF + e.getMessage());
        } catch (Exception e) {
            // No address here: reasons reach /report and the log line, where the base is an ASLR secret.
            return Probed.unknown("cannot copy the vDSO image from " + file + ": " + Failures.describe(e));
        }
    }

    private static boolean within(long bytes) {
        return bytes > 0 && bytes <= MAX_IMAGE_BYTES;
    }

    private static byte[] copy(RandomAccessFile in, long origin, long offset, int length) throws java.io.IOException {
        byte[] bytes = new byte[length];
        in.seek(origin + offset);
        in.readFully(bytes);
        return bytes;
    }
}
