package io.vdsoagent.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.base.Probed;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Each implementation against the kernel's own answers: {@code /proc/self/maps} for getauxval, dlsym and
 * dlopen, {@code System.nanoTime} (HotSpot's CLOCK_MONOTONIC) for clock_gettime and the raw syscall, the
 * errno the kernel defines for a bad clock id, a missing file and a closed descriptor, ThreadMXBean for
 * getrusage, bytes Java wrote for open/read. On JDK 22+ both FFM and jnr run.
 */
class NativeAccessTest {
    private static final int MONOTONIC = 1;
    private static final int EINVAL = 22;
    private static final int RUSAGE_THREAD = 1;
    private static final long AT_SYSINFO_EHDR = 33;
    private static final int RTLD_LAZY = 1;
    private static final int RTLD_NOLOAD = 4;
    private static final int O_RDONLY_NONBLOCK_CLOEXEC = 04000 | 02000000;
    private static final int ENOENT = 2;
    private static final int EBADF = 9;

    static Stream<String> implementations() {
        return NativeAccessLoader.featureVersion() >= NativeAccessLoader.FFM_SINCE
                ? Stream.of("ffm", "jnr") : Stream.of("jnr");
    }

    private static NativeAccess load(String implementation) {
        Probed<NativeAccess> p = NativeAccessLoader.load(implementation, null, null);
        assertTrue(p.known(), implementation + ": " + p);
        assertEquals(implementation, p.get().implementation());
        return p.get();
    }

    @Test
    void autoPicksFfmFromJdk22AndJnrBefore() {
        Probed<NativeAccess> p = NativeAccessLoader.load("auto", null, null);
        assertTrue(p.known(), p.toString());
        assertEquals(NativeAccessLoader.featureVersion() >= 22 ? "ffm" : "jnr", p.get().implementation());
    }

    @Test
    void ffmLivesInItsOwnNamedModuleWithNativeAccessAndOursHasNone() throws Exception {
        assumeTrue(NativeAccessLoader.featureVersion() >= 22, "FFM needs JDK 22+");
        NativeAccess na = load("ffm");
        Object module = Class.class.getMethod("getModule").invoke(na.getClass());
        assertEquals("io.vdsoagent.ffm", module.getClass().getMethod("getName").invoke(module));
        assertEquals(Boolean.TRUE, module.getClass().getMethod("isNativeAccessEnabled").invoke(module));
        Object layer = module.getClass().getMethod("getLayer").invoke(module);
        Object boot = layer.getClass().getMethod("boot").invoke(null);
        assertFalse(layer.equals(boot), "a layer of its own");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void getauxvalFindsTheVdsoWhereMapsShowsIt(String implementation) throws Exception {
        NativeAccess na = load(implementation);
        assertEquals(vdsoStartFromMaps(), na.getauxval(AT_SYSINFO_EHDR));
        assertEquals(0, na.getauxval(999_999), "absent entry");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void clockGettimeAndTheRawSyscallReadTheJvmsMonotonicClock(String implementation) {
        NativeAccess na = load(implementation);
        NativeBuffer ts = na.allocate(16);
        long before = System.nanoTime();
        assertEquals(0, na.clockGettime(MONOTONIC, ts.address()));
        long viaLibc = nanos(ts);
        assertEquals(0, na.clockGettimeFast(MONOTONIC, ts.address()));
        long viaFast = nanos(ts);
        assertEquals(0, na.syscall3(na.arch().clockGettimeNr(), MONOTONIC, ts.address(), 0));
        long viaSyscall = nanos(ts);
        assertEquals(0, na.syscall2Fast(na.arch().clockGettimeNr(), MONOTONIC, ts.address()));
        long viaSyscallFast = nanos(ts);
        long after = System.nanoTime();
        for (long t : new long[] {viaLibc, viaFast, viaSyscall, viaSyscallFast}) {
            assertTrue(before <= t && t <= after, before + " <= " + t + " <= " + after);
        }
        assertTrue(viaLibc <= viaFast && viaFast <= viaSyscall && viaSyscall <= viaSyscallFast, "monotonic order");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void errnoIsTheKernelsAnswerForABadClockOnThisThread(String implementation) throws Exception {
        NativeAccess na = load(implementation);
        NativeBuffer ts = na.allocate(16);
        assertEquals(-1, na.clockGettime(-999, ts.address()));
        assertEquals(EINVAL, na.lastErrno());
        assertEquals(-1L, na.syscall3(na.arch().clockGettimeNr(), -999, ts.address(), 0));
        assertEquals(EINVAL, na.lastErrno());
        // Per thread: another thread's failure leaves ours alone.
        final int[] other = new int[1];
        Thread t = new Thread(() -> {
            na.clockGettime(MONOTONIC, ts.address());
            other[0] = na.lastErrno();
        });
        t.start();
        t.join();
        assertEquals(EINVAL, na.lastErrno());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void getrusageSeesThisThreadsCpuTime(String implementation) {
        NativeAccess na = load(implementation);
        NativeBuffer usage = na.allocate(256);
        long spin = System.nanoTime() + 30_000_000L;
        while (System.nanoTime() < spin) {
            Math.sqrt(spin); // busy, on this thread
        }
        long mx = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        assertEquals(0, na.getrusage(RUSAGE_THREAD, usage.address()));
        long micros = usage.readLong(0) * 1_000_000L + usage.readLong(8) + usage.readLong(16) * 1_000_000L + usage.readLong(24);
        // Tick-sampled vs precise accounting: agree within a few ticks (HZ >= 100).
        assertTrue(Math.abs(micros * 1000 - mx) < 50_000_000L, "rusage " + micros + " us vs ThreadMXBean " + mx + " ns");
        assertTrue(micros > 0);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void dlsymResolvesIntoTheLibcMappingAndZeroWhenAbsent(String implementation) throws Exception {
        NativeAccess na = load(implementation);
        long address = na.dlsym(NativeAccess.RTLD_DEFAULT, "clock_gettime");
        assertTrue(address != 0);
        String object = objectAt(address);
        assertTrue(object.contains("libc.so") || object.contains("libc-"), "clock_gettime in " + object);
        assertEquals(0, na.dlsym(NativeAccess.RTLD_DEFAULT, "vdso_agent_no_such_symbol"));
        assertEquals(7, na.abs(-7));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void dlopenWithNoloadFindsLoadedLibcOnlyAndDlsymOnItsHandleStaysInLibc(String implementation) throws Exception {
        NativeAccess na = load(implementation);
        long libc = na.dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
        assumeTrue(libc != 0, "glibc's libc.so.6 (another C library names itself differently)");
        long own = na.dlsym(libc, "clock_gettime");
        String object = objectAt(own);
        assertTrue(object.contains("libc.so") || object.contains("libc-"), "clock_gettime in " + object);
        if (System.getenv("LD_PRELOAD") == null) {
            assertEquals(na.dlsym(NativeAccess.RTLD_DEFAULT, "clock_gettime"), own, "nothing in front of libc here");
        }
        assertEquals(0, na.dlopen("libvdso-agent-never-loaded.so", RTLD_LAZY | RTLD_NOLOAD), "NOLOAD loads nothing");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void openReadCloseReturnTheFilesBytesAndTheKernelsErrno(String implementation) throws Exception {
        NativeAccess na = load(implementation);
        File file = File.createTempFile("vdso-agent-read", ".bin");
        try {
            byte[] written = new byte[300];
            for (int i = 0; i < written.length; i++) {
                written[i] = (byte) (i * 7);
            }
            Files.write(file.toPath(), written);
            NativeBuffer buffer = na.allocate(256);
            int fd = na.open(file.getPath(), O_RDONLY_NONBLOCK_CLOEXEC);
            assertTrue(fd >= 0, "open: errno " + na.lastErrno());
            assertEquals(256, na.read(fd, buffer.address(), 256));
            byte[] first = new byte[256];
            buffer.read(0, first, 0, 256);
            assertEquals(Arrays.toString(Arrays.copyOf(written, 256)), Arrays.toString(first));
            assertEquals(44, na.read(fd, buffer.address(), 256), "the rest");
            assertEquals(0, na.read(fd, buffer.address(), 256), "end of file");
            assertEquals(0, na.close(fd));
            assertEquals(-1, na.close(fd));
            assertEquals(EBADF, na.lastErrno(), "closing a closed descriptor");
            assertEquals(-1, na.read(fd, buffer.address(), 16));
            assertEquals(EBADF, na.lastErrno(), "reading a closed descriptor");
        } finally {
            Files.delete(file.toPath());
        }
        assertFalse(file.exists());
        assertEquals(-1, na.open(file.getPath(), O_RDONLY_NONBLOCK_CLOEXEC));
        assertEquals(ENOENT, na.lastErrno(), "opening a deleted file");
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void unameAnswersWhatTheUnameCommandPrints(String implementation) throws Exception {
        Probed<Utsname> u = Utsname.read(load(implementation));
        assertTrue(u.known(), u.toString());
        assertEquals(command("uname", "-s"), u.get().sysname());
        assertEquals(command("uname", "-r"), u.get().release());
        assertEquals(command("uname", "-v"), u.get().version());
        assertEquals(command("uname", "-m"), u.get().machine());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void buffersAreZeroedWritableAndBoundsChecked(String implementation) {
        NativeAccess na = load(implementation);
        NativeBuffer b = na.allocate(16);
        assertEquals(0, b.readLong(0));
        assertEquals(0, b.readLong(8));
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 1);
        b.write(ones);
        assertEquals(0x0101010101010101L, b.readLong(8));
        assertThrowsAny(() -> b.readLong(9));
        assertThrowsAny(() -> b.write(new byte[17]));
        byte[] out = new byte[4];
        b.read(12, out, 0, 4);
        assertEquals("[1, 1, 1, 1]", Arrays.toString(out));
        assertThrowsAny(() -> b.read(13, out, 0, 4));
        assertThrowsAny(() -> b.read(0, out, 1, 4));
    }

    @Test
    void jffiStubPlacesAUsersExtractDirFirstAndDevShmLast() {
        String before = System.getProperty(JffiStub.EXTRACT_DIR);
        try {
            System.setProperty(JffiStub.EXTRACT_DIR, "/user/choice");
            List<File> dirs = new ArrayList<>(JffiStub.candidates("/configured"));
            assertEquals(new File("/user/choice"), dirs.get(0));
            assertEquals(new File("/configured"), dirs.get(1));
            assertEquals(new File(System.getProperty("java.io.tmpdir")).getAbsoluteFile(), dirs.get(2));
            assertEquals(new File("/dev/shm"), dirs.get(dirs.size() - 1));
            assertFalse(dirs.contains(new File(System.getProperty("user.dir"))), "never the working directory");
        } finally {
            if (before == null) {
                System.clearProperty(JffiStub.EXTRACT_DIR);
            } else {
                System.setProperty(JffiStub.EXTRACT_DIR, before);
            }
        }
    }

    private static void assertThrowsAny(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException expected) {
            return;
        }
        throw new AssertionError("no exception");
    }

    /** The command's one line of output (coreutils' uname: ground truth outside this JVM). */
    private static String command(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] out = readAll(p.getInputStream());
        assertEquals(0, p.waitFor(), Arrays.toString(argv));
        return new String(out, StandardCharsets.UTF_8).trim();
    }

    private static byte[] readAll(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static long nanos(NativeBuffer ts) {
        return ts.readLong(0) * 1_000_000_000L + ts.readLong(8);
    }

    private static long vdsoStartFromMaps() throws Exception {
        for (String line : maps()) {
            if (line.endsWith("[vdso]")) {
                return Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
            }
        }
        throw new AssertionError("no [vdso] in maps");
    }

    private static String objectAt(long address) throws Exception {
        for (String line : maps()) {
            String[] range = line.split(" ")[0].split("-");
            long lo = Long.parseUnsignedLong(range[0], 16);
            long hi = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0) {
                return line;
            }
        }
        return "no mapping";
    }

    private static List<String> maps() throws Exception {
        return Arrays.asList(new String(Files.readAllBytes(Paths.get("/proc/self/maps")), StandardCharsets.UTF_8).split("\n"));
    }
}
