import io.vdsoagent.detect.ClockConsistencyCheck;
import io.vdsoagent.detect.ClockId;
import io.vdsoagent.detect.ClockSupport;
import io.vdsoagent.detect.ClocksourceDetector;
import io.vdsoagent.detect.Finding;
import io.vdsoagent.detect.JvmClockConsistencyCheck;
import io.vdsoagent.detect.JvmClockPath;
import io.vdsoagent.detect.JvmClockPathProbe;
import io.vdsoagent.detect.LatencyDetector;
import io.vdsoagent.detect.ProbeThreads;
import io.vdsoagent.detect.ProcessSeccompRunner;
import io.vdsoagent.detect.SeccompDetector;
import io.vdsoagent.detect.SeccompRunner;
import io.vdsoagent.detect.ThreadSeccompRunner;
import io.vdsoagent.base.Probed;
import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.Prober;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.source.HostFacts;
import io.vdsoagent.source.HostFactsReader;
import io.vdsoagent.source.KernelClockEvent;
import io.vdsoagent.source.KernelLogReader;
import io.vdsoagent.source.SystemRoot;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where a first probe's CPU goes: runs the parts of {@code Prober.probe()} one by one, in its order and with
 * the agent's defaults, in a fresh JVM, and prints per part one line
 * {@code part wall_ms thread_cpu_ms process_cpu_ms children_cpu_ms}: the calling thread plus the detectors'
 * own threads (ThreadMXBean, ns), the whole process (utime+stime of /proc/self/stat: every thread, the JIT
 * and GC included; clock ticks) and the waited-for children (cutime+cstime: the agent's proof JVM).
 * A marker is written to stdout before each part, so {@code runsc --strace} logs can be cut per part.
 * Then the same for building a prober as the agent does ("prober-build": loads native access) and a whole
 * {@code Prober.probe()} twice ("prober-first", "prober-again"), and two controls of
 * fixed work: a busy loop (100M xorshift steps) and a fixed count of {@code System.nanoTime} calls (vDSO calls inside gVisor too).
 *
 * <p>Usage: {@code java -cp vdso-agent-uber.jar:. ProbeParts parts|prober process|thread AGENT_JAR}: "prober"
 * builds the prober as the agent does (its proof runner: "process", the agent's, or "thread"); "parts" times
 * the proof both ways.
 */
public class ProbeParts {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final long TICK_NS = 10_000_000L; // USER_HZ 100 on Linux and in gVisor
    private static volatile long sink;

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        SeccompRunner proof = "process".equals(a[1])
                ? ProcessSeccompRunner.agentJar(new File(a[2]), null, 10_000)
                : new ThreadSeccompRunner(2000);
        if ("prober".equals(mode)) {
            // Building the prober loads native access (its detectors ask for it), once per JVM: as in the agent,
            // before the first probe and outside the probe's own figure.
            Prober[] built = new Prober[1];
            part("prober-build", () -> built[0] = Prober.builder().seccompRunner(proof).build());
            Prober p = built[0];
            part("prober-first", () -> p.probe());
            ClockHealth[] again = new ClockHealth[1];
            part("prober-again", () -> again[0] = p.probe());
            System.out.println("#verdicts " + again[0].clocks().stream()
                    .map(s -> s.clock().name() + "=" + s.verdict().label() + "/" + s.detector())
                    .reduce((x, y) -> x + " " + y).orElse(""));
        } else {
            SystemRoot root = SystemRoot.live();
            // Native access first: the host facts load it otherwise (auxv, uname), and its cost is its own.
            @SuppressWarnings("unchecked")
            Probed<NativeAccess>[] na = new Probed[1];
            part("native-load", () -> na[0] = NativeAccessLoader.shared());
            HostFacts[] host = new HostFacts[1];
            part("host-facts", () -> host[0] = new HostFactsReader(root).read());
            @SuppressWarnings("unchecked")
            Probed<List<KernelClockEvent>>[] events = new Probed[1];
            part("kernel-log", () -> events[0] = new KernelLogReader(root).read());
            @SuppressWarnings("unchecked")
            Probed<Set<ClockId>>[] refused = new Probed[1];
            part("clock-support", () -> refused[0] = ClockSupport.refused(na[0], Arrays.asList(ClockId.values())));
            List<ClockId> clocks = new ArrayList<>(Arrays.asList(ClockId.values()));
            if (refused[0].known()) {
                clocks.removeAll(refused[0].get());
            }
            // Both places the proof can run: the agent's proof process (a JVM start) and a thread of this one.
            part("seccomp-proof-process", () -> print(new SeccompDetector(
                    ProcessSeccompRunner.agentJar(new File(a[2]), null, 10_000)).detect(host[0], clocks)));
            part("seccomp-proof-thread", () -> print(new SeccompDetector(
                    new ThreadSeccompRunner(2000)).detect(host[0], clocks)));
            part("latency", () -> print(new LatencyDetector().detect(host[0], clocks)));
            part("clocksource-hint", () -> new ClocksourceDetector(() -> events[0]).detect(host[0], clocks));
            JvmClockPath[] jvm = new JvmClockPath[1];
            part("jvm-clock-path", () -> jvm[0] = new JvmClockPathProbe().probe());
            part("consistency", () -> {
                ClockConsistencyCheck c = new ClockConsistencyCheck(na[0].get());
                c.check();
                new JvmClockConsistencyCheck(c).check(jvm[0].library());
            });
        }
        part("control-loop", () -> {
            long x = 88172645463325252L;
            for (int i = 0; i < 100_000_000; i++) { // xorshift64: a serial chain no JIT folds (JDK 25's C2 did an LCG's)
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
            sink = x;
        });
        part("control-nanotime", () -> {
            long x = 0;
            for (int i = 0; i < 2_000_000; i++) {
                x += System.nanoTime();
            }
            sink = x;
        });
        System.out.println("#end");
    }

    private static void print(List<Finding> findings) {
        StringBuilder b = new StringBuilder("#findings");
        for (Finding f : findings) {
            b.append(' ').append(f.clock().name()).append('=').append(f.verdict().label())
                    .append('/').append(f.confidence());
        }
        System.out.println(b);
    }

    private static void part(String name, Runnable r) throws Exception {
        System.out.println("#mark " + name);
        long[] s0 = stat();
        long t0 = MX.getCurrentThreadCpuTime() + ProbeThreads.cpuNanos();
        long w0 = System.nanoTime();
        r.run();
        long w = System.nanoTime() - w0;
        long t = MX.getCurrentThreadCpuTime() + ProbeThreads.cpuNanos() - t0;
        long[] s1 = stat();
        System.out.printf(java.util.Locale.ROOT, "%s %.1f %.1f %.1f %.1f%n", name, w / 1e6, t / 1e6,
                (s1[0] - s0[0]) * TICK_NS / 1e6, (s1[1] - s0[1]) * TICK_NS / 1e6);
    }

    /** utime+stime and cutime+cstime of this process, in clock ticks. */
    private static long[] stat() throws Exception {
        String s = new String(Files.readAllBytes(Paths.get("/proc/self/stat")), "US-ASCII");
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }
}
