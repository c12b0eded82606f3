package io.vdsoagent.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Set;

/**
 * How many TCP sockets this process listens on: the LISTEN entries of {@code /proc/self/net/tcp} and
 * {@code tcp6} (the whole network namespace: on a host, every process's) matched against the socket
 * links in {@code /proc/self/fd}. A server's first listener is the nearest thing to "the application
 * is up" the agent can read without knowing the application. The descriptors are walked only when the
 * namespace's set of listeners changed since the last call, so a wait that samples every 250 ms reads
 * two small files most of the time.
 */
final class ListeningSockets {
    /** st of a listening socket in /proc/net/tcp (TCP_LISTEN). */
    private static final String LISTEN = "0A";

    private final Path netTcp;
    private final Path netTcp6;
    private final Path fds;
    private Set<Long> lastListening;
    private int lastCount = -1;

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
        try {
            Set<Long> listening = new HashSet<Long>();
            boolean any = addListening(netTcp, listening);
            any |= addListening(netTcp6, listening);
            if (!any) {
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

    /** Adds the inodes of the LISTEN lines; false when the file is absent (no IPv6, no /proc). */
    private static boolean addListening(Path table, Set<Long> into) throws IOException {
        if (!Files.isReadable(table)) {
            return false;
        }
        listeningInodes(new String(Files.readAllBytes(table), StandardCharsets.US_ASCII), into);
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
