package io.vdsoagent.source;

/** Run in a child JVM by {@link NativeAuxvWithoutJffiIT}: prints what the sources see there. */
public final class NativeAuxvProbeMain {
    private NativeAuxvProbeMain() {
    }

    public static void main(String[] args) {
        System.out.println("getauxval=" + NativeAuxv.getauxval(Auxv.AT_SYSINFO_EHDR));
        System.out.println("auxv=" + new AuxvReader(SystemRoot.live()).read().get().sysinfoEhdr());
        HostFacts facts = new HostFactsReader(SystemRoot.live()).read();
        System.out.println("vdso=" + (facts.vdso().known() ? facts.vdso().get().baseAddress() : facts.vdso()));
    }
}
