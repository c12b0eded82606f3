package io.vdsoagent.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ground truth for "who listens": the TCP sockets in LISTEN state that a process holds, read from the
 * kernel ({@code /proc/<pid>/net/tcp} and {@code tcp6} for the sockets of its network namespace, its
 * {@code /proc/<pid>/fd} links to tell which of them are its own), never from the agent's own words.
 */
public final class ListeningSockets {
    /** {@code st} column value for TCP_LISTEN. */
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /**
     * {@code "127.0.0.1:9419"}, {@code "[::]:9419"}, ...: an IPv4-mapped IPv6 address (Java's dual-stack
     * socket bound to an IPv4 address) is shown as the IPv4 address it is.
     */
    public static Set<String> of(long pid) throws IOException {
        Set<String> inodes = socketInodes(pid);
        Set<String> listening = new TreeSet<String>();
        for (String table : new String[] {"tcp", "tcp6"}) {
            Path file = Paths.get("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue; // tcp6 on a kernel without IPv6: nothing can listen there
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                if (f.length > 9 && LISTEN.equals(f[3]) && inodes.contains(f[9])) {
                    listening.add(address(f[1]));
                }
            }
        }
        return listening;
    }

    private static Set<String> socketInodes(long pid) throws IOException {
        Set<String> inodes = new HashSet<String>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring(8, target.length() - 1));
                }
            }
        }
        return inodes;
    }

    /** {@code 0100007F:24CB} (each 32-bit word of the address printed as a host-order int) to text. */
    static String address(String hexAddressAndPort) throws IOException {
        int colon = hexAddressAndPort.indexOf(':');
        String hex = hexAddressAndPort.substring(0, colon);
        int port = Integer.parseInt(hexAddressAndPort.substring(colon + 1), 16);
        byte[] bytes = new byte[hex.length() / 2];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                // /proc prints each 32-bit word as the host's int: on little-endian hosts, bytes reversed.
                int at = word * 8 + (little ? 3 - b : b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        if (bytes.length == 16 && isV4Mapped(bytes)) {
            byte[] v4 = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
            return InetAddress.getByAddress(v4).getHostAddress() + ":" + port;
        }
        String host = InetAddress.getByAddress(bytes).getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + compress(host) + "]" : host) + ":" + port;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Java prints 0:0:0:0:0:0:0:0; people (and ss) write ::. Only the all-zero and loopback forms matter here. */
    private static String compress(String host) {
        if ("0:0:0:0:0:0:0:0".equals(host)) {
            return "::";
        }
        if ("0:0:0:0:0:0:0:1".equals(host)) {
            return "::1";
        }
        return host;
    }
}
