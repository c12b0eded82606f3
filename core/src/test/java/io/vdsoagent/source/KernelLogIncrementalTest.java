package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.ArchTable;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.NativeBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live kernel log is read from where the last read stopped. A scripted device with /dev/kmsg's
 * semantics (one record per read(2), EAGAIN at the end, EPIPE when a record was overwritten, a position
 * per open file) counts the reads that reach it; the real device is read twice where it is readable.
 */
class KernelLogIncrementalTest {
    private static final int EAGAIN = 11;
    private static final int EPIPE = 32;
    private static final int EIO = 5;

    @BeforeEach
    @AfterEach
    void forgetTheLiveCursor() {
        KernelLogReader.closeLive();
    }

    @Test
    void aSecondReadReadsOnlyTheNewRecordsAndKeepsTheEventsFoundBefore() {
        FakeKmsg kmsg = new FakeKmsg();
        for (int i = 0; i < 300; i++) {
            kmsg.log(i == 100 ? "clocksource: Switched to clocksource tsc" : "usb 1-1: new device number " + i);
        }
        List<KernelClockEvent> first = read(kmsg);
        assertEquals(1, first.size());
        assertEquals(301, kmsg.reads, "300 records and the EAGAIN");
        assertEquals(1, kmsg.opens);

        kmsg.log("eth0: link up");
        kmsg.log("clocksource: timekeeping watchdog on CPU1: Marking clocksource 'tsc' as unstable because the skew is too large:");
        kmsg.log("clocksource: Switched to clocksource hpet");
        kmsg.reads = 0;
        List<KernelClockEvent> second = read(kmsg);
        assertEquals(4, kmsg.reads, "the three new records and the EAGAIN");
        assertEquals(1, kmsg.opens, "the descriptor stays open");
        assertEquals(List.of("clocksource_switch/tsc", "clocksource_unstable/tsc", "clocksource_switch/hpet"), names(second));
        assertEquals(3, KernelLogReader.lastLiveRecords());

        kmsg.reads = 0;
        assertEquals(names(second), names(read(kmsg)));
        assertEquals(1, kmsg.reads, "nothing new: one read, EAGAIN");
        assertEquals(0, KernelLogReader.lastLiveRecords());

        // A quiet read hands out the last answer again; the next clock line must still reach the next read.
        kmsg.log("clocksource: Switched to clocksource tsc");
        assertEquals(List.of("clocksource_switch/tsc", "clocksource_unstable/tsc", "clocksource_switch/hpet",
                "clocksource_switch/tsc"), names(read(kmsg)), "a record after a quiet read is seen");
        assertEquals(1, KernelLogReader.lastLiveRecords());
    }

    @Test
    void anOverwrittenRecordIsSkippedAndAnErrorStartsOverWithoutCountingTwice() {
        FakeKmsg kmsg = new FakeKmsg();
        kmsg.log("clocksource: Switched to clocksource tsc");
        kmsg.log("something else");
        assertEquals(1, read(kmsg).size());
        kmsg.failNext = EPIPE;
        kmsg.log("clocksource: Switched to clocksource hpet");
        assertEquals(2, read(kmsg).size(), "EPIPE: read on");

        kmsg.failNext = EIO;
        Probed<List<KernelClockEvent>> failed = new KernelLogReader(SystemRoot.live(), Probed.of(kmsg)).read();
        assertFalse(failed.known());
        assertTrue(failed.reason().contains("errno 5"), failed.reason());
        assertEquals(1, kmsg.closes);
        assertEquals(List.of("clocksource_switch/tsc", "clocksource_switch/hpet"), names(read(kmsg)),
                "reopened and read from the start: each event once");
        assertEquals(2, kmsg.opens);
    }

    @Test
    void theNewestEventsAreKeptAcrossReads() {
        FakeKmsg kmsg = new FakeKmsg();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20; i++) {
                kmsg.log("clocksource: Switched to clocksource " + (i % 2 == 0 ? "hpet" : "tsc"));
            }
            read(kmsg);
        }
        kmsg.log("clocksource: Switched to clocksource acpi_pm");
        List<KernelClockEvent> events = read(kmsg);
        assertEquals(KernelLogReader.MAX_EVENTS, events.size());
        assertEquals("clocksource_switch/acpi_pm", names(events).get(events.size() - 1));
    }

    /** The real device, where this user may read it: the second read consumes only what the kernel wrote since. */
    @Test
    void theLiveDeviceIsReadFromWhereTheLastReadStopped() {
        Probed<NativeAccess> na = NativeAccessLoader.shared();
        assumeTrue(na.known(), "native access: " + na);
        KernelLogReader reader = new KernelLogReader(SystemRoot.live(), na);
        Probed<List<KernelClockEvent>> first = reader.read();
        assumeTrue(first.known(), "the kernel log is not readable here: " + first);
        int all = KernelLogReader.lastLiveRecords();
        Probed<List<KernelClockEvent>> second = reader.read();
        int again = KernelLogReader.lastLiveRecords();
        assumeTrue(all >= 20, "a kernel log of only " + all + " records");
        assertTrue(again < all / 2, "the second read consumed " + again + " of " + all + " records");
        assertTrue(second.get().containsAll(first.get()), "events of the first read kept");
    }

    private static List<KernelClockEvent> read(FakeKmsg kmsg) {
        Probed<List<KernelClockEvent>> p = new KernelLogReader(SystemRoot.live(), Probed.of(kmsg)).read();
        assertTrue(p.known(), p.toString());
        return p.get();
    }

    private static List<String> names(List<KernelClockEvent> events) {
        List<String> out = new ArrayList<>();
        for (KernelClockEvent e : events) {
            out.add(e.kind() + "/" + e.subject());
        }
        return out;
    }

    /** /dev/kmsg's read semantics over a list of records; only open, read, close and allocate are used. */
    private static final class FakeKmsg implements NativeAccess {
        private final List<String> records = new ArrayList<>();
        private final Map<Long, HeapBuffer> buffers = new HashMap<>();
        private int position;
        private int errno;
        int failNext;
        int reads;
        int opens;
        int closes;

        void log(String message) {
            records.add("6," + records.size() + "," + (1000L * records.size()) + ",-;" + message + "\n");
        }

        @Override
        public NativeBuffer allocate(int bytes) {
            HeapBuffer b = new HeapBuffer(0x1000L * (buffers.size() + 1), bytes);
            buffers.put(b.address(), b);
            return b;
        }

        @Override
        public int open(String path, int flags) {
            assertEquals("/dev/kmsg", path);
            opens++;
            position = 0;
            return 42;
        }

        @Override
        public long read(int fd, long buffer, long count) {
            assertEquals(42, fd);
            reads++;
            if (failNext != 0) {
                errno = failNext;
                failNext = 0;
                return -1;
            }
            if (position >= records.size()) {
                errno = EAGAIN;
                return -1;
            }
            byte[] r = records.get(position++).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(r, 0, buffers.get(buffer).bytes, 0, r.length);
            return r.length;
        }

        @Override
        public int close(int fd) {
            closes++;
            return 0;
        }

        @Override
        public int lastErrno() {
            return errno;
        }

        @Override
        public String implementation() {
            return "fake-kmsg";
        }

        /** The kernel log reader only opens, reads and closes /dev/kmsg: any other native call fails the test. */
        private static AssertionError notForTheKernelLog() {
            return new AssertionError("the kernel log reader made a native call other than open/read/close");
        }

        @Override
        public ArchTable.Arch arch() {
            throw notForTheKernelLog();
        }

        @Override
        public int clockGettime(int clockId, long timespec) {
            throw notForTheKernelLog();
        }

        @Override
        public int clockGettimeFast(int clockId, long timespec) {
            throw notForTheKernelLog();
        }

        @Override
        public long syscall3(long number, long arg1, long arg2, long arg3) {
            throw notForTheKernelLog();
        }

        @Override
        public long syscall2Fast(long number, long arg1, long arg2) {
            throw notForTheKernelLog();
        }

        @Override
        public int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
            throw notForTheKernelLog();
        }

        @Override
        public int getrusage(int who, long rusage) {
            throw notForTheKernelLog();
        }

        @Override
        public long getauxval(long type) {
            throw notForTheKernelLog();
        }

        @Override
        public int uname(long utsname) {
            throw notForTheKernelLog();
        }

        @Override
        public int abs(int value) {
            throw notForTheKernelLog();
        }

        @Override
        public long dlsym(long handle, String name) {
            throw notForTheKernelLog();
        }

        @Override
        public long dlopen(String file, int flags) {
            throw notForTheKernelLog();
        }
    }

    private static final class HeapBuffer extends NativeBuffer {
        final byte[] bytes;

        HeapBuffer(long address, int size) {
            super(address, size);
            this.bytes = new byte[size];
        }

        @Override
        protected void put(byte[] b) {
            System.arraycopy(b, 0, bytes, 0, b.length);
        }

        @Override
        protected void get(int offset, byte[] target, int targetOffset, int length) {
            System.arraycopy(bytes, offset, target, targetOffset, length);
        }

        @Override
        protected long getLong(int offset) {
            throw new AssertionError("the kernel log reader reads bytes, never a long");
        }
    }
}
