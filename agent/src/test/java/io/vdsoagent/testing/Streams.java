package io.vdsoagent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: read a whole stream (an HTTP body, a child process's output) and close it. */
public final class Streams {
    private Streams() {
    }

    public static byte[] readAll(InputStream in) throws IOException {
        try (InputStream s = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = s.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    public static String readUtf8(InputStream in) throws IOException {
        return new String(readAll(in), StandardCharsets.UTF_8);
    }
}
