package io.vdsoagent.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kept descriptor must read what a fresh open reads: checked against files the kernel changes itself. */
class KeptFileTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void linuxProcfs() {
        Assumptions.assumeTrue(Files.isDirectory(Paths.get("/proc/thread-self")), "needs Linux procfs (/proc/thread-self)");
    }

    /** /proc/sys/kernel/random/uuid is a new UUID at every read: a kept descriptor must get a new one too. */
    @Test
    void aKeptProcSysFileIsMadeAfreshAtEachRead() throws IOException {
        KeptFile uuid = new KeptFile(SystemRoot.live(), "/proc/sys/kernel/random/uuid");
        String first = uuid.readTrimmedText();
        assertTrue(uuid.isOpen(), "kept open on the live root");
        String second = uuid.readTrimmedText();
        assertTrue(KernelSysctls.isUuid(first) && KernelSysctls.isUuid(second), first + " / " + second);
        assertNotEquals(first, second, "read again from offset 0, the kernel made a new one");
        assertTrue(uuid.isOpen());
    }

    /** comm is a seq_file: a kept descriptor read from offset 0 shows the thread's new name, as a fresh open does. */
    @Test
    void aKeptSeqFileShowsWhatTheKernelHoldsNow() throws IOException {
        Path comm = Paths.get("/proc/thread-self/comm");
        KeptFile kept = new KeptFile(SystemRoot.live(), comm.toString());
        String name = Thread.currentThread().getName();
        try {
            for (String next : new String[] {"kept-one", "kept-two", "kept-three"}) {
                Thread.currentThread().setName(next);
                String fresh = new String(Files.readAllBytes(comm), StandardCharsets.UTF_8).trim();
                assertEquals(fresh, kept.readTrimmedText(), "the kept read against a fresh open");
                assertEquals(next, fresh, "the JVM names its own thread in the kernel");
            }
            assertTrue(kept.isOpen());
        } finally {
            Thread.currentThread().setName(name);
        }
    }

    /** A kept file whose read fails (its thread ended) is closed; that read says why the way a fresh open would. */
    @Test
    void aFailedKeptReadClosesAndFailsAsAFreshOpenWould() throws Exception {
        AtomicReference<KeptFile> kept = new AtomicReference<>();
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicReference<Path> taskDir = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Path task = Files.readSymbolicLink(Paths.get("/proc/thread-self")); // <pid>/task/<tid>
                taskDir.set(Paths.get("/proc").resolve(task));
                KeptFile f = new KeptFile(SystemRoot.live(), "/proc/" + task + "/comm");
                seen.set(f.readTrimmedText());
                kept.set(f);
            } catch (IOException e) {
                seen.set(e.toString());
            }
        }, "kept-ends");
        t.start();
        t.join();
        assertEquals("kept-ends", seen.get());
        // join() returns when the Java thread is done; the kernel reaps the task a moment later.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(taskDir.get()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(Files.exists(taskDir.get()), "the ended thread's task is gone from procfs");
        assertTrue(kept.get().isOpen());
        assertThrows(NoSuchFileException.class, () -> kept.get().readTrimmedText(), kept.get().toString());
        assertFalse(kept.get().isOpen(), "closed after the failure; the next read opens again");
    }

    @Test
    void aMissingFileIsNoSuchFileAndNothingStaysOpen() {
        KeptFile missing = new KeptFile(SystemRoot.live(), "/proc/sys/kernel/no-such-sysctl");
        assertThrows(NoSuchFileException.class, missing::readTrimmedText);
        assertFalse(missing.isOpen());
    }

    /** A fixture's files are plain files that tests replace: opened at every read, never kept. */
    @Test
    void aFixtureFileIsOpenedAtEveryRead() throws IOException {
        Path file = Files.createDirectories(tmp.resolve("proc/sys/kernel")).resolve("randomize_va_space");
        Files.write(file, "2\n".getBytes(StandardCharsets.US_ASCII));
        KeptFile aslr = new KeptFile(SystemRoot.at(tmp), "/proc/sys/kernel/randomize_va_space");
        assertEquals("2", aslr.readTrimmedText());
        Files.delete(file);
        Files.write(file, "0\n".getBytes(StandardCharsets.US_ASCII)); // another inode
        assertEquals("0", aslr.readTrimmedText());
        assertFalse(aslr.isOpen());
    }
}
