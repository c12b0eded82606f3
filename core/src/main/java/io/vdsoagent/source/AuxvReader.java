package io.vdsoagent.source;

import io.vdsoagent.base.Failures;
import io.vdsoagent.base.Probed;

import java.nio.ByteOrder;

/** Reads {@code <root>/proc/self/auxv} in pure Java (native byte order and word size of this JVM). */
public final class AuxvReader {
    /** Real vectors are a few hundred bytes; the cap only guards against a garbage file. */
    static final int CAP = 16 * 1024;

    private final SystemRoot root;

    public AuxvReader(SystemRoot root) {
        this.root = root;
    }

    public Probed<Auxv> read() {
        try {
            byte[] data = BoundedFiles.readBytes(root.resolve("/proc/self/auxv"), CAP);
            return Auxv.parse(data, ByteOrder.nativeOrder(), processWordSize());
        } catch (Exception e) {
            return Probed.unknown("cannot read " + root.resolve("/proc/self/auxv") + ": " + Failures.describe(e));
        }
    }

    /** The auxv of a 32-bit process has 4-byte words, even on a 64-bit kernel. */
    static int processWordSize() {
        return "32".equals(System.getProperty("sun.arch.data.model")) ? 4 : 8;
    }
}
