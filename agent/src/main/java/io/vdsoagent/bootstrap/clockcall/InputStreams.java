package io.vdsoagent.bootstrap.clockcall;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a stream of unknown length to its end (JDK only, Java 8: no {@code readAllBytes}). */
public final class InputStreams {
    private InputStreams() {
    }

    /** Everything left in {@code in}; does not close it. */
    public static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
