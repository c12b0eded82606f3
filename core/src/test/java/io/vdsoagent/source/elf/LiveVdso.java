package io.vdsoagent.source.elf;

import io.vdsoagent.source.AuxvReader;
import io.vdsoagent.source.Mapping;
import io.vdsoagent.source.MapsReader;
import io.vdsoagent.source.SystemRoot;
import io.vdsoagent.source.VdsoImageReader;

/** This JVM's own vDSO image, as test input (the bytes, not an expected result). */
final class LiveVdso {
    private LiveVdso() {
    }

    static byte[] image() {
        Mapping vdso = new MapsReader(SystemRoot.live()).read().get().vdso().get();
        long base = new AuxvReader(SystemRoot.live()).read().get().sysinfoEhdr().get();
        return new VdsoImageReader(SystemRoot.live()).read(base, vdso).get();
    }
}
