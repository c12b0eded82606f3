package io.vdsoagent.source;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * A small procfs or sysfs file that every re-probe reads (boot id, ASLR, the clocksource pair), kept open
 * on the live root and read again from offset 0. The kernel makes such a file's content at each read from
 * offset 0 (seq_file starts over there, /proc/sys calls its handler), so the answer is as fresh as a new
 * open's, for a seek and a read instead of an open, a cleaner registration and a close (about a tenth of
 * the CPU with a re-probe's cold code). A fixture root's files are plain files that tests replace: they are
 * opened at each read. Any failure closes the file and that read goes the plain way (its precise
 * exception); the next read opens it again. The descriptor lives as long as its owner (the reader of the
 * host facts or the clocksource poll: one per file, for the process's life, as the kernel log's). Like any
 * FileInputStream's it is not close-on-exec: a child started by ProcessBuilder closes it, one forked by
 * native code would inherit a read-only descriptor of a world-readable kernel file.
 */
final class KeptFile {
    private final Path path;
    private final boolean keep;
    /** Null until the first kept read, and after a failure. */
    private RandomAccessFile open;

    KeptFile(SystemRoot root, String absolutePath) {
        this.path = root.resolve(absolutePath);
        this.keep = root.isLive();
    }

    /** The whole content, at most {@code cap} bytes (see {@link BoundedFiles#readBytes}). */
    synchronized byte[] readBytes(int cap) throws IOException {
        if (keep) {
            try {
                RandomAccessFile f = open;
                if (f == null) {
                    f = new RandomAccessFile(path.toFile(), "r");
                    open = f;
                }
                f.seek(0);
                return BoundedFiles.readCapped(path, f::read, cap);
            } catch (IOException | RuntimeException e) {
                close();
                return BoundedFiles.readThroughNio(path, cap);
            }
        }
        return BoundedFiles.readBytes(path, cap);
    }

    /** The content as UTF-8 text, trimmed, capped at {@link BoundedFiles#TEXT_CAP}. */
    String readTrimmedText() throws IOException {
        return BoundedFiles.text(readBytes(BoundedFiles.TEXT_CAP));
    }

    /** Whether a descriptor is open now (tests). */
    synchronized boolean isOpen() {
        return open != null;
    }

    private void close() {
        RandomAccessFile f = open;
        open = null;
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // Closing a read-only descriptor of a kernel file: nothing to lose.
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
