package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;
import io.vdsoagent.nativeaccess.NativeAccess;
import io.vdsoagent.nativeaccess.NativeAccessLoader;
import io.vdsoagent.nativeaccess.NativeBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's own reason for a clock fallback or switch, from {@code /dev/kmsg}: the lines
 * "Marking clocksource 'tsc' as unstable", "clocksource: Switched to clocksource ...", xen's
 * "VDSO_CLOCKMODE_PVCLOCK not supported" and arm64's "arch_timer: Enabling ... workaround for ...".
 *
 * <p>/dev/kmsg returns one record per read and, opened normally, blocks at the end of the log until
 * the kernel writes again: a plain Java read would hang the probe. So it is opened with
 * {@code O_NONBLOCK} through the one libc binding ({@link NativeAccessLoader#shared()}: FFM on JDK 22+,
 * jnr before) and read until {@code EAGAIN}, capped in bytes, records and time. Containers often hide it
 * or deny it (CAP_SYSLOG, {@code kernel.dmesg_restrict}): then the answer is unknown, with the errno.
 * A fixture root reads a plain file of records instead.
 *
 * <p>The live log is read incrementally: the descriptor stays open for the process's life (one fd,
 * close-on-exec), the kernel keeps its position, and each read returns only the records written since
 * the last one, added to the events already found. A periodic re-probe thus reads a few records, not
 * the whole ring (~1 ms for a few hundred records). An error closes it; the next read starts over.
 */
public final class KernelLogReader {
    static final int RECORD_BYTES = 8192;
    static final long MAX_BYTES = 8L * 1024 * 1024;
    static final int MAX_RECORDS = 100_000;
    static final long DEADLINE_NANOS = 1_000_000_000L;
    /** The newest events kept (a flapping clocksource must not grow the snapshot without bound). */
    static final int MAX_EVENTS = 32;
    private static final int O_RDONLY_NONBLOCK_CLOEXEC = 0 | 04000 | 02000000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EPIPE = 32;

    /** kind, pattern, the group naming the subject (0 = a fixed subject). Order: first match wins. */
    private static final Object[][] PATTERNS = {
            {KernelClockEvent.UNSTABLE, Pattern.compile("Marking clocksource '([^']+)' as unstable"), 1},
            {KernelClockEvent.UNSTABLE, Pattern.compile("Marking (TSC) unstable due to"), 1},
            {KernelClockEvent.SWITCH, Pattern.compile("Switched to clocksource (\\S+)"), 1},
            {KernelClockEvent.XEN_NO_VDSO, Pattern.compile("(?:VDSO_CLOCKMODE|VCLOCK)_PVCLOCK not supported"), "xen"},
            {KernelClockEvent.ARCH_TIMER_WORKAROUND, Pattern.compile("arch_timer: Enabling (?:global|local|cpu-local) workaround for (.+)"), 1},
    };

    /**
     * The live log's open descriptor, its record buffer and the events read so far, owned by this class:
     * reads are serialised ({@code readLive} is synchronized) and the buffer stays reachable while any
     * read may write into it. Null until the first live read.
     */
    private static Cursor cursor;

    private final SystemRoot root;
    /** Null: the process-wide binding, looked up only when the live log is read. */
    private final Probed<NativeAccess> nativeAccess;

    public KernelLogReader(SystemRoot root) {
        this(root, null);
    }

    /** Reads the live log through this binding (tests run each implementation). */
    public KernelLogReader(SystemRoot root, Probed<NativeAccess> nativeAccess) {
        this.root = root;
        this.nativeAccess = nativeAccess;
    }

    /** The clock events in the kernel log, oldest first; unknown with the reason when it cannot be read. */
    public Probed<List<KernelClockEvent>> read() {
        Path p = root.resolve("/dev/kmsg");
        if (!root.isLive()) {
            try {
                return Probed.of(parse(new String(BoundedFiles.readBytes(p, (int) MAX_BYTES), StandardCharsets.UTF_8)));
            } catch (Exception e) {
                return Probed.unknown("cannot read " + p + ": " + Failures.describe(e));
            }
        }
        try {
            Probed<NativeAccess> na = nativeAccess != null ? nativeAccess : NativeAccessLoader.shared();
            if (!na.known()) {
                return Probed.unknown("cannot read " + p + ": " + NativeAccessLoader.unavailable(na.reason()));
            }
            return readLive(na.get(), p.toString());
        } catch (Throwable t) { // LinkageError included: never out of a probe
            return Probed.unknown("cannot read " + p + ": " + Failures.describe(t));
        }
    }

    private static synchronized Probed<List<KernelClockEvent>> readLive(NativeAccess lib, String path) {
        if (cursor != null && (cursor.lib != lib || !cursor.path.equals(path))) {
            cursor.close(); // another binding (tests run each) or path: start over with it
            cursor = null;
        }
        if (cursor == null) {
            int fd = lib.open(path, O_RDONLY_NONBLOCK_CLOEXEC);
            if (fd < 0) {
                return Probed.unknown("cannot open " + path + ": " + errnoText(lib.lastErrno()));
            }
            cursor = new Cursor(lib, path, fd, lib.allocate(RECORD_BYTES));
        }
        Cursor c = cursor;
        ByteArrayOutputStream log = null; // allocated on the first record: most re-probes find none
        byte[] bytes = null;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        int records = 0;
        boolean more = true;
        while (more) {
            long n = lib.read(c.fd, c.buffer.address(), RECORD_BYTES);
            if (n > 0) {
                if (log == null) {
                    log = new ByteArrayOutputStream();
                    bytes = new byte[RECORD_BYTES];
                }
                int len = (int) Math.min(n, RECORD_BYTES);
                c.buffer.read(0, bytes, 0, len);
                log.write(bytes, 0, len);
                if (bytes[len - 1] != '\n') {
                    log.write('\n');
                }
                records++;
            } else if (n == 0) {
                more = false;
            } else {
                int errno = lib.lastErrno();
                if (errno == EAGAIN) {
                    more = false;
                } else if (errno != EPIPE && errno != EINTR) { // EPIPE: a record was overwritten, read on
                    c.close();
                    cursor = null;
                    return Probed.unknown("reading " + path + " failed: " + errnoText(errno));
                }
            }
            if (more && ((log != null && log.size() > MAX_BYTES) || records >= MAX_RECORDS
                    || System.nanoTime() > deadline)) {
                more = false; // the rest is read next time, from where this read stopped
            }
        }
        c.lastRecords = records;
        if (records > 0) {
            c.events.addAll(parse(new String(log.toByteArray(), StandardCharsets.UTF_8)));
            if (c.events.size() > MAX_EVENTS) {
                c.events.subList(0, c.events.size() - MAX_EVENTS).clear();
            }
            c.answer = null;
        }
        if (c.answer == null) {
            c.answer = Probed.of(Collections.unmodifiableList(new ArrayList<>(c.events)));
        }
        return c.answer;
    }

    /** Records the last live read consumed (tests: a re-read reads only what is new); -1 before any. */
    static synchronized int lastLiveRecords() {
        return cursor == null ? -1 : cursor.lastRecords;
    }

    /** Closes the live descriptor; the next read opens it again and reads the whole log (tests). */
    static synchronized void closeLive() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
    }

    /** An open /dev/kmsg: the kernel keeps the read position per open file. */
    private static final class Cursor {
        final NativeAccess lib;
        final String path;
        final int fd;
        final NativeBuffer buffer;
        final List<KernelClockEvent> events = new ArrayList<>();
        /** The events as last returned (immutable), handed out again while no record arrives. */
        Probed<List<KernelClockEvent>> answer;
        int lastRecords = -1;

        Cursor(NativeAccess lib, String path, int fd, NativeBuffer buffer) {
            this.lib = lib;
            this.path = path;
            this.fd = fd;
            this.buffer = buffer;
        }

        void close() {
            lib.close(fd);
        }
    }

    static String errnoText(int errno) {
        switch (errno) {
            case 1:
                return "errno 1 (EPERM: needs CAP_SYSLOG, or kernel.dmesg_restrict=0)";
            case 2:
                return "errno 2 (ENOENT: no kernel log device here, as in most containers)";
            case 13:
                return "errno 13 (EACCES: not readable by this user)";
            default:
                return "errno " + errno;
        }
    }

    /**
     * Records as /dev/kmsg prints them, {@code pri,seq,usec,flags[,...];message}, one per line;
     * continuation lines (" KEY=value") and anything else are skipped. Keeps the newest {@link #MAX_EVENTS}.
     */
    static List<KernelClockEvent> parse(String log) {
        List<KernelClockEvent> out = new ArrayList<>();
        for (String line : log.split("\n")) {
            int semi = line.indexOf(';');
            if (semi <= 0 || line.startsWith(" ")) {
                continue;
            }
            String[] prefix = line.substring(0, semi).split(",");
            if (prefix.length < 3) {
                continue;
            }
            double seconds;
            try {
                seconds = Long.parseLong(prefix[2].trim()) / 1e6;
            } catch (NumberFormatException e) {
                continue;
            }
            String message = line.substring(semi + 1);
            if (!mayMatch(message)) {
                continue; // most of a boot log: skip the regexes
            }
            KernelClockEvent e = match(message, seconds);
            if (e != null) {
                out.add(e);
            }
        }
        return out.size() <= MAX_EVENTS ? out
                : Collections.unmodifiableList(new ArrayList<>(out.subList(out.size() - MAX_EVENTS, out.size())));
    }

    private static boolean mayMatch(String message) {
        return message.contains("clocksource") || message.contains("TSC") || message.contains("PVCLOCK")
                || message.contains("arch_timer");
    }

    private static KernelClockEvent match(String message, double seconds) {
        for (Object[] p : PATTERNS) {
            Matcher m = ((Pattern) p[1]).matcher(message);
            if (m.find()) {
                String subject = p[2] instanceof Integer ? m.group((Integer) p[2]) : (String) p[2];
                if (KernelClockEvent.UNSTABLE.equals(p[0])) {
                    subject = subject.toLowerCase(java.util.Locale.ROOT);
                }
                return new KernelClockEvent((String) p[0], clean(subject.trim(), 80), seconds, clean(message, 200));
            }
        }
        return null;
    }

    private static String clean(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
