package agentit;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An application that lives close to its memory limits: holds {@code liveMiB} of live data in small
 * arrays, keeps allocating garbage for {@code runMillis} while the agent starts beside it, then loads
 * a few more JDK classes (java.time formatting, streams, a lambda) and prints deterministic lines.
 * Args: liveMiB runMillis.
 */
public final class TightApp {
    private static volatile Object sink;

    private TightApp() {
    }

    public static void main(String[] args) throws Exception {
        int liveMiB = Integer.parseInt(args[0]);
        long runMillis = Long.parseLong(args[1]);
        List<byte[]> live = new ArrayList<>();
        for (int i = 0; i < liveMiB * 32; i++) {
            live.add(new byte[32 * 1024]);
        }
        System.out.println("holding " + liveMiB + " MiB");
        long end = System.nanoTime() + runMillis * 1_000_000L;
        long garbage = 0;
        while (System.nanoTime() < end) {
            sink = new byte[1024];
            garbage++;
            if (garbage % 4096 == 0) {
                Thread.sleep(1);
            }
        }
        Supplier<String> epoch = () -> DateTimeFormatter.ISO_INSTANT.format(Instant.EPOCH);
        System.out.println(epoch.get());
        System.out.println(IntStream.rangeClosed(1, 5).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        System.out.println("still holding " + live.size() / 32 + " MiB");
    }
}
