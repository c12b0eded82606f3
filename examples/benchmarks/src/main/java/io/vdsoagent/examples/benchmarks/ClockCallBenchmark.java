package io.vdsoagent.examples.benchmarks;

import io.vdsoagent.bootstrap.clockcall.ClockCallRecorder;
import io.vdsoagent.bootstrap.clockcall.ClockCallSamples;
import io.vdsoagent.bootstrap.clockcall.ClockCallSharedCounts;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One clock call per operation, four ways: bare (what the application wrote), redirect (a static call
 * through a recorder-shaped method that only calls the clock: the cost of rewriting alone), exact
 * (ClockCallRecorder in count-mode=exact: per-site stripe owned by the calling thread) and approximate
 * (ClockCallRecorder in count-mode=approximate: per-site counter striped by thread id). The counted
 * variants call the recorder exactly as rewritten call sites do: the same static method with a constant
 * site id. With several threads all of them hit the same site, the worst case for a shared counter.
 *
 * <p>The count mode is fixed per JVM (the first counted call fixes it), so each counted benchmark takes a
 * state that configures its mode, and the benchmarks must run forked (JMH's default; not {@code -f 0}).
 *
 * <p>Each invocation is a hot loop of {@value #CALLS} calls, timed as one sample (JMH SampleTime), so
 * scores are nanoseconds per {@value #CALLS} calls (not declared as operations per invocation: JMH would
 * then round each sample to whole nanoseconds per call, too coarse for a 5 % goal on a 25 ns call).
 * RatioTable divides by {@value #CALLS} and uses the median sample, which a shared, busy machine
 * disturbs far less than the mean (a preempted sample is an outlier, not a shift).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClockCallBenchmark {

    /** Calls per timed invocation: short enough to run between two preemptions on a busy machine. */
    static final int CALLS = 1000;
    static final int SITE = 11;

    @Setup
    public void sizeSharedCounters() {
        ClockCallSharedCounts.ensureSite(SITE); // the instrumentation does this when it assigns an id
    }

    /** count-mode=exact for this fork, as the agent's default configures it. */
    @State(Scope.Benchmark)
    public static class Exact {
        @Setup
        public void configure() {
            ClockCallRecorder.configure(ClockCallSamples.sampleEvery(), false);
        }
    }

    /** count-mode=approximate for this fork. */
    @State(Scope.Benchmark)
    public static class Approximate {
        @Setup
        public void configure() {
            ClockCallRecorder.configure(ClockCallSamples.sampleEvery(), true);
        }
    }

    @Benchmark
    public long nanoTimeBare() {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += System.nanoTime();
        }
        return sum;
    }

    @Benchmark
    public long nanoTimeRedirect() {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += RedirectOnly.nanoTime(SITE);
        }
        return sum;
    }

    @Benchmark
    public long nanoTimeExact(Exact mode) {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += ClockCallRecorder.nanoTime(SITE);
        }
        return sum;
    }

    @Benchmark
    public long nanoTimeApproximate(Approximate mode) {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += ClockCallRecorder.nanoTime(SITE);
        }
        return sum;
    }

    @Benchmark
    public long currentTimeMillisBare() {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += System.currentTimeMillis();
        }
        return sum;
    }

    @Benchmark
    public long currentTimeMillisRedirect() {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += RedirectOnly.currentTimeMillis(SITE);
        }
        return sum;
    }

    @Benchmark
    public long currentTimeMillisExact(Exact mode) {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += ClockCallRecorder.currentTimeMillis(SITE);
        }
        return sum;
    }

    @Benchmark
    public long currentTimeMillisApproximate(Approximate mode) {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            sum += ClockCallRecorder.currentTimeMillis(SITE);
        }
        return sum;
    }

    /** The recorder's shape without counting or sampling. */
    static final class RedirectOnly {
        private RedirectOnly() {
        }

        static long nanoTime(int site) {
            return System.nanoTime();
        }

        static long currentTimeMillis(int site) {
            return System.currentTimeMillis();
        }
    }
}
