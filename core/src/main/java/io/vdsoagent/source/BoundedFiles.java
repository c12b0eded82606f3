package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads small /proc and /sys files with a hard size cap. procfs reports size 0 for most files, so
 * the size cannot be trusted up front: we stream and stop one byte past the cap. A garbage or
 * hostile tree (fixture, container overlay) must never make us allocate more than the cap.
 */
final class BoundedFiles {
    /** Enough for any text file we read (clocksource lists, sysctls); far below heap concerns. */
    static final int TEXT_CAP = 64 * 1024;

    private BoundedFiles() {
    }

    /**
     * The whole file, or an IOException naming the file when it is larger than {@code cap} bytes. A plain
     * {@link FileInputStream}: a re-probe reads a few of these files with cold code, and the NIO stream costs
     * ~3x the CPU there (issue 28: 40-200 us against 15-23 us per file). When it cannot open the file, NIO
     * opens it again for its precise exception (NoSuchFileException, AccessDeniedException), which callers
     * tell apart.
     */
    static byte[] readBytes(Path file, int cap) throws IOException {
        if (file.getFileSystem() == FileSystems.getDefault()) {
            FileInputStream plain;
            try {
                plain = new FileInputStream(file.toFile());
            } catch (FileNotFoundException e) {
                plain = null;
            }
            if (plain != null) {
                try (InputStream in = plain) {
                    return readCapped(file, in::read, cap);
                }
            }
        }
        return readThroughNio(file, cap);
    }

    /** As {@link #readBytes}, through NIO only: what a failed plain open does for its precise exception. */
    static byte[] readThroughNio(Path file, int cap) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readCapped(file, in::read, cap);
        }
    }

    /** What reads the bytes: an InputStream's or a RandomAccessFile's read. */
    interface Source {
        int read(byte[] target, int offset, int length) throws IOException;
    }

    /** Reads to the end into one array that grows up to one byte past the cap. */
    static byte[] readCapped(Path file, Source in, int cap) throws IOException {
        byte[] buf = new byte[(int) Math.min(cap + 1L, 4096)];
        int total = 0;
        int n;
        while ((n = in.read(buf, total, buf.length - total)) > 0) {
            total += n;
            if (total > cap) {
                throw new IOException(file + " is larger than " + cap + " bytes");
            }
            if (total == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(buf.length * 2L, cap + 1L));
            }
        }
        return Arrays.copyOf(buf, total);
    }

    /** A text file (UTF-8, capped at {@link #TEXT_CAP}), trimmed. */
    static String readTrimmedText(Path file) throws IOException {
        return text(readBytes(file, TEXT_CAP));
    }

    /** UTF-8, trimmed. */
    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).trim();
    }

    /**
     * File content quoted in a reason: at most 40 characters, control characters (newline, ESC, ...)
     * shown as '?'. A reason ends up in a log line; junk in a file must not break or forge lines.
     */
    static String quote(String text) {
        String s = text.length() <= 40 ? text : text.substring(0, 40) + "...";
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
