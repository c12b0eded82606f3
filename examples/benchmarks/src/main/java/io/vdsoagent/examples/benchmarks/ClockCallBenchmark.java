package io.vdsoagent.examples.benchmarks;

import io.vdsoagent.bootstrap.ClockCallApproximateRecorder;
import io.vdsoagent.bootstrap.ClockCallRecorder;
import io.vdsoagent.bootstrap.ClockCallSharedCounts;
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
 * (ClockCallRecorder: per-thread count table, count-mode=exact) and approximate
 * (ClockCallApproximateRecorder: one shared counter per site, count-mode=approximate). The counted variants
 * call the recorders exactly as rewritten call sites do: the same static method with a constant site id.
 * With several threads all of them hit the same site, the worst case for a shared counter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClockCallBenchmark {

    static final int SITE = 11;

    @Setup
    public void sizeSharedCounters() {
        ClockCallSharedCounts.ensureSite(SITE); // the instrumentation does this when it assigns an id
    }

    @Benchmark
    public long nanoTimeBare() {
        return System.nanoTime();
    }

    @Benchmark
    public long nanoTimeRedirect() {
        return RedirectOnly.nanoTime(SITE);
    }

    @Benchmark
    public long nanoTimeExact() {
        return ClockCallRecorder.nanoTime(SITE);
    }

    @Benchmark
    public long nanoTimeApproximate() {
        return ClockCallApproximateRecorder.nanoTime(SITE);
    }

    @Benchmark
    public long currentTimeMillisBare() {
        return System.currentTimeMillis();
    }

    @Benchmark
    public long currentTimeMillisRedirect() {
        return RedirectOnly.currentTimeMillis(SITE);
    }

    @Benchmark
    public long currentTimeMillisExact() {
        return ClockCallRecorder.currentTimeMillis(SITE);
    }

    @Benchmark
    public long currentTimeMillisApproximate() {
        return ClockCallApproximateRecorder.currentTimeMillis(SITE);
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
