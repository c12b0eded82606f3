package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** The whole file, or an IOException naming the file when it is larger than {@code cap} bytes. */
    static byte[] readBytes(Path file, int cap) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(cap, 4096));
            byte[] buf = new byte[4096];
            int total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > cap) {
                    throw new IOException(file + " is larger than " + cap + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** A text file (UTF-8, capped at {@link #TEXT_CAP}), trimmed. */
    static String readTrimmedText(Path file) throws IOException {
        return new String(readBytes(file, TEXT_CAP), StandardCharsets.UTF_8).trim();
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
