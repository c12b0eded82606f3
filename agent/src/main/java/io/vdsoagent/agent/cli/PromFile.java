package io.vdsoagent.agent.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a node_exporter textfile atomically: the collector (or any reader) sees the old file or the
 * new one, never a half-written one. The temporary file sits in the same directory (a rename never
 * crosses file systems) and is named {@code .<name>.<random>.tmp}, which the collector (it reads
 * {@code *.prom}) ignores. On any failure the temporary file is removed and the old file is untouched.
 */
final class PromFile {
    private PromFile() {
    }

    static void replace(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true); // on disk before the rename makes it visible
            }
            // createTempFile makes it 0600; node_exporter usually runs as another user
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** A failure in a few words, without the temporary file's name. */
    static String describe(Path file, IOException e) {
        Path dir = file.toAbsolutePath().getParent();
        if (e instanceof NoSuchFileException) {
            return "no such directory " + dir;
        } else if (e instanceof AccessDeniedException) {
            return "permission denied in " + dir;
        } else if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason() + " (" + dir + ")";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
