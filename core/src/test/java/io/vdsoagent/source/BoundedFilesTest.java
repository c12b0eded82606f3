package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capped read against the JDK's own whole-file read, and the exceptions callers tell apart. */
class BoundedFilesTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryLengthAroundTheBufferAndTheCapExactly() throws IOException {
        int cap = 10_000;
        Random random = new Random(28);
        for (int size : new int[] {0, 1, 4095, 4096, 4097, 8192, 8193, cap - 1, cap}) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            Path f = Files.write(tmp.resolve("f" + size), content);
            assertArrayEquals(Files.readAllBytes(f), BoundedFiles.readBytes(f, cap), "size " + size);
        }
    }

    @Test
    void oneBytePastTheCapIsRefused() throws IOException {
        Path f = Files.write(tmp.resolve("big"), new byte[4097]);
        IOException e = assertThrows(IOException.class, () -> BoundedFiles.readBytes(f, 4096));
        assertTrue(e.getMessage().contains("larger than 4096 bytes"), e.getMessage());
    }

    @Test
    void aMissingFileIsStillNoSuchFileException() {
        assertThrows(NoSuchFileException.class, () -> BoundedFiles.readBytes(tmp.resolve("gone"), 100));
    }

    @Test
    void anUnreadableFileIsStillAccessDeniedException() throws IOException {
        Path f = Files.write(tmp.resolve("secret"), new byte[] {1});
        assertTrue(f.toFile().setReadable(false, false));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(f),
                "needs a user the file mode binds (root reads any file)");
        assertThrows(AccessDeniedException.class, () -> BoundedFiles.readBytes(f, 100));
    }

    /** procfs says size 0 for files that have content: the read must not trust the size. */
    @Test
    void aProcfsFileWithSizeZeroIsReadWhole() throws IOException {
        Path f = java.nio.file.Paths.get("/proc/self/status");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(f), "needs Linux procfs");
        String text = new String(BoundedFiles.readBytes(f, BoundedFiles.TEXT_CAP), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(Files.size(f) == 0 && text.startsWith("Name:") && text.contains("\nPid:"), text);
    }
}
