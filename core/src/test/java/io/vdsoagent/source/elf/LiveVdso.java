package io.vdsoagent.source.elf;

import io.vdsoagent.source.HostFactsReader;
import io.vdsoagent.source.SystemRoot;

/** This JVM's own vDSO image, as test input (the bytes, not an expected result). */
final class LiveVdso {
    private LiveVdso() {
    }

    static byte[] image() {
        return new HostFactsReader(SystemRoot.live()).vdsoImage().get().bytes();
    }
}
