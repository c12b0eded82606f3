package io.vdsoagent.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * How many TCP sockets this process listens on: the LISTEN entries of {@code /proc/self/net/tcp} and
 * {@code tcp6} (the whole network namespace: on a host, every process's) matched against the socket
 * links in {@code /proc/self/fd}. A server's first listener is the nearest thing to "the application
 * is up" the agent can read without knowing the application. The descriptors are walked only when the
 * namespace's set of listeners changed since the last call; {@link StartPacing} calls it in quiet windows
 * only, because each table read makes the kernel walk its whole connection hash. A table longer than {@link #MAX_TABLE_BYTES} (a host's network
 * namespace with thousands of connections, which the kernel formats anew at every read) is not read
 * again: the count is unknown from then on.
 */
final class ListeningSockets {
    /** st of a listening socket in /proc/net/tcp (TCP_LISTEN). */
    private static final String LISTEN = "0A";
    /** About 3,400 lines of 150 bytes: more is a crowded host namespace, too costly to read every window. */
    static final int MAX_TABLE_BYTES = 512 * 1024;

    private final Path netTcp;
    private final Path netTcp6;
    private final Path fds;
    private Set<Long> lastListening;
    private int lastCount = -1;
    private boolean tooLarge;
    /** Reused from window to window (grown as a table needs, up to one byte past the limit). */
    private byte[] buf = new byte[16 * 1024];

    ListeningSockets(Path procSelf) {
        this.netTcp = procSelf.resolve("net").resolve("tcp");
        this.netTcp6 = procSelf.resolve("net").resolve("tcp6");
        this.fds = procSelf.resolve("fd");
    }

    static ListeningSockets ofThisProcess() {
        return new ListeningSockets(Paths.get("/proc/self"));
    }

    /** This process's listening TCP sockets (IPv4 and IPv6), or -1 when /proc cannot tell. Never throws. */
    int count() {
        if (tooLarge) {
            return -1;
        }
        try {
            Set<Long> listening = new HashSet<Long>();
            Boolean v4 = addListening(netTcp, listening);
            Boolean v6 = addListening(netTcp6, listening);
            if (v4 == null || v6 == null) {
                tooLarge = true;
                return -1;
            }
            if (!v4 && !v6) {
                return -1;
            }
            if (!listening.equals(lastListening)) {
                lastCount = listening.isEmpty() ? 0 : ownedOf(listening);
                lastListening = listening;
            }
            return lastCount;
        } catch (IOException | RuntimeException e) {
            lastListening = null;
            return -1;
        }
    }

    /**
     * Adds the inodes of the LISTEN lines; false when the file is absent (no IPv6, no /proc), null when it
     * is longer than {@link #MAX_TABLE_BYTES}.
     */
    private Boolean addListening(Path table, Set<Long> into) throws IOException {
        if (!Files.isReadable(table)) {
            return false;
        }
        int n = 0;
        try (InputStream in = Files.newInputStream(table)) {
            for (int r; (r = in.read(buf, n, buf.length - n)) > 0; ) {
                n += r;
                if (n == buf.length) {
                    if (n > MAX_TABLE_BYTES) {
                        break;
                    }
                    buf = Arrays.copyOf(buf, Math.min(2 * n, MAX_TABLE_BYTES + 1));
                }
            }
        }
        if (n > MAX_TABLE_BYTES) {
            return null;
        }
        listeningInodes(new String(buf, 0, n, StandardCharsets.US_ASCII), into);
        return true;
    }

    /**
     * The inodes of the listening sockets of one table: "sl local_address rem_address st tx_queue:rx_queue
     * tr:tm->when retrnsmt uid timeout inode ...", st in hex, a header line first.
     */
    static void listeningInodes(String table, Set<Long> into) {
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length > 9 && LISTEN.equals(f[3])) {
                into.add(Long.parseLong(f[9]));
            }
        }
    }

    /** How many of {@code inodes} are open in this process ({@code socket:[inode]} links). */
    private int ownedOf(Set<Long> inodes) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(fds)) {
            for (Path fd : dir) {
                Long inode;
                try {
                    inode = socketInode(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    continue; // closed between the listing and the read
                }
                if (inode != null && inodes.contains(inode)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The inode of a {@code socket:[12345]} link, or null for anything else. */
    static Long socketInode(String link) {
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            return null;
        }
        try {
            return Long.valueOf(link.substring(8, link.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
