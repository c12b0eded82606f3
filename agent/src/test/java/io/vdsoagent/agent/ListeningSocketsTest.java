package io.vdsoagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListeningSocketsTest {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    private static String line(int sl, String st, long inode) {
        return String.format("%4d: 0100007F:4CB3 00000000:0000 %s 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0%n",
                sl, st, inode);
    }

    @Test
    void onlyListenLinesCount() {
        Set<Long> inodes = new HashSet<>();
        ListeningSockets.listeningInodes(HEADER + line(0, "0A", 111) + line(1, "01", 222) + line(2, "06", 333)
                + line(3, "0A", 444), inodes);
        assertEquals(Set.of(111L, 444L), inodes);
    }

    @Test
    void socketLinksOnly() {
        assertEquals(Long.valueOf(98765), ListeningSockets.socketInode("socket:[98765]"));
        assertNull(ListeningSockets.socketInode("pipe:[98765]"));
        assertNull(ListeningSockets.socketInode("/var/log/app.log"));
        assertNull(ListeningSockets.socketInode("socket:[x]"));
    }

    @Test
    void anotherProcesssListenerInTheSameNamespaceIsNotOurs(@TempDir Path proc) throws Exception {
        // the namespace lists three listeners (IPv4 and IPv6); this "process" holds one of them and a pipe
        Files.createDirectories(proc.resolve("net"));
        Files.createDirectories(proc.resolve("fd"));
        Files.write(proc.resolve("net/tcp"), (HEADER + line(0, "0A", 111) + line(1, "0A", 222) + line(2, "01", 555))
                .getBytes(StandardCharsets.US_ASCII));
        Files.write(proc.resolve("net/tcp6"), (HEADER + line(0, "0A", 333)).getBytes(StandardCharsets.US_ASCII));
        Files.createSymbolicLink(proc.resolve("fd/3"), Paths.get("socket:[222]"));
        Files.createSymbolicLink(proc.resolve("fd/4"), Paths.get("socket:[555]"));
        Files.createSymbolicLink(proc.resolve("fd/5"), Paths.get("pipe:[111]"));
        ListeningSockets sockets = new ListeningSockets(proc);
        assertEquals(1, sockets.count());
        Files.createSymbolicLink(proc.resolve("fd/6"), Paths.get("socket:[333]"));
        // the namespace's set did not change: the descriptors are not walked again
        assertEquals(1, sockets.count());
        Files.write(proc.resolve("net/tcp6"), (HEADER + line(0, "0A", 333) + line(1, "0A", 666))
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(2, sockets.count());
    }

    @Test
    void aCrowdedNamespacesTableIsNotReadAgain(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.createDirectories(proc.resolve("fd"));
        Files.createSymbolicLink(proc.resolve("fd/3"), Paths.get("socket:[111]"));
        Files.write(proc.resolve("net/tcp6"), HEADER.getBytes(StandardCharsets.US_ASCII));
        StringBuilder crowded = new StringBuilder(HEADER).append(line(0, "0A", 111));
        for (int i = 1; crowded.length() <= ListeningSockets.MAX_TABLE_BYTES; i++) {
            crowded.append(line(i, "01", 1000 + i));
        }
        Files.write(proc.resolve("net/tcp"), crowded.toString().getBytes(StandardCharsets.US_ASCII));
        ListeningSockets sockets = new ListeningSockets(proc);
        assertEquals(-1, sockets.count());
        Files.write(proc.resolve("net/tcp"), (HEADER + line(0, "0A", 111)).getBytes(StandardCharsets.US_ASCII));
        assertEquals(-1, sockets.count(), "given up for good: a crowded namespace stays crowded");
        assertEquals(1, new ListeningSockets(proc).count());
    }

    @Test
    void withoutTheTablesItCannotTell(@TempDir Path proc) {
        assertEquals(-1, new ListeningSockets(proc).count());
    }

    @Test
    void thisJvmsOwnServerSocketIsCountedWhileItListens() throws Exception {
        assumeTrue(Files.isReadable(Paths.get("/proc/self/net/tcp")), "no /proc/self/net/tcp (not Linux)");
        ListeningSockets sockets = ListeningSockets.ofThisProcess();
        int before = sockets.count();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            // a connected pair is no listener: only the server socket counts
            assertEquals(before + 1, sockets.count());
        }
        assertEquals(before, sockets.count());
    }
}
