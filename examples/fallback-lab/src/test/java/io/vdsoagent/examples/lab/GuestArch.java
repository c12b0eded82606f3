package io.vdsoagent.examples.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One foreign guest architecture of the lab, as {@link Lab} boots it and the per-architecture suites judge it.
 *
 * @param name        lab.sh's {@code --arch} and the report's {@code arch}
 * @param crossPrefix the host's cross gcc/binutils, e.g. {@code s390x-linux-gnu-}
 * @param debianArch  Debian's name of the architecture (its cross libc is libc6-dev-{debianArch}-cross)
 * @param aptForeign  whether the host's apt must have debianArch as a foreign architecture (riscv64's assets
 *                    script keeps an apt of its own for Debian 13's packages: no)
 * @param bootNeeds   the host tools and files QEMU boots it with; the cross tools and the assets scripts'
 *                    tools come on top
 * @param modeOption  lab.sh's option for a guest mode ({@code --clocksource} or {@code --timer})
 * @param javaByMode  the mode the kernel boots with by default (the vDSO reads the counter) first, then the
 *                    other modes, each with the guest's JVM
 * @param vdsoSymbol  vdso(7)'s clock_gettime symbol@version: anything else is not this architecture's vDSO
 */
record GuestArch(String name, String crossPrefix, String debianArch, boolean aptForeign, List<Need> bootNeeds,
        String modeOption, List<Map.Entry<String, String>> javaByMode, String vdsoSymbol) {

    /** A host command (or file) and the Debian package that brings it. */
    record Need(String command, Path file, String debianPackage) {

        static Need command(String command, String debianPackage) {
            return new Need(command, null, debianPackage);
        }

        static Need file(String file, String debianPackage) {
            return new Need(null, Path.of(file), debianPackage);
        }
    }

    static final GuestArch AARCH64 = new GuestArch("aarch64", "aarch64-linux-gnu-", "arm64", true,
            List.of(Need.command("qemu-system-aarch64", "qemu-system-arm"), Need.command("dtc", "device-tree-compiler")),
            "--timer", List.of(Map.entry("normal", "/usr/lib/jvm/java-17-openjdk-arm64/bin/java"),
                    Map.entry("erratum", "/usr/lib/jvm/java-17-openjdk-arm64/bin/java")),
            "__kernel_clock_gettime@LINUX_2.6.39");

    static final GuestArch PPC64LE = new GuestArch("ppc64le", "powerpc64le-linux-gnu-", "ppc64el", true,
            List.of(Need.command("qemu-system-ppc64", "qemu-system-ppc")),
            "--clocksource", List.of(Map.entry("timebase", "/usr/lib/jvm/java-17-openjdk-ppc64el/bin/java"),
                    Map.entry("jiffies", "/usr/lib/jvm/java-17-openjdk-ppc64el/bin/java")),
            "__kernel_clock_gettime@LINUX_2.6.15");

    static final GuestArch S390X = new GuestArch("s390x", "s390x-linux-gnu-", "s390x", true,
            List.of(Need.command("qemu-system-s390x", "qemu-system-misc")),
            "--clocksource", List.of(Map.entry("tod", "/usr/lib/jvm/java-17-openjdk-s390x/bin/java"),
                    Map.entry("jiffies", "/usr/lib/jvm/java-17-openjdk-s390x/bin/java")),
            "__kernel_clock_gettime@LINUX_2.6.29");

    /** FFM on JDK 25 in the default mode, jnr-ffi (the jar's jffi riscv64 stub) on JDK 21 in jiffies mode. */
    static final GuestArch RISCV64 = new GuestArch("riscv64", "riscv64-linux-gnu-", "riscv64", false,
            List.of(Need.command("qemu-system-riscv64", "qemu-system-misc"),
                    Need.file("/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin", "qemu-system-data"),
                    Need.file("/usr/share/keyrings/debian-archive-keyring.gpg", "debian-archive-keyring")),
            "--clocksource", List.of(Map.entry("riscv_clocksource", "/usr/lib/jvm/java-25-openjdk-riscv64/bin/java"),
                    Map.entry("jiffies", "/usr/lib/jvm/java-21-openjdk-riscv64/bin/java")),
            "__vdso_clock_gettime@LINUX_4.15");

    /** The mode lab.sh boots without its mode option: the one whose counter the vDSO reads. */
    String defaultMode() {
        return javaByMode.get(0).getKey();
    }

    String guestJava(String mode) {
        return javaByMode.stream().filter(e -> e.getKey().equals(mode)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no mode " + mode));
    }

    /** The cross tool, e.g. {@code tool("gcc")}. */
    String tool(String tool) {
        return crossPrefix + tool;
    }

    /** Everything the host needs for this guest: QEMU's, the cross toolchain, the assets scripts' tools. */
    List<Need> needs() {
        String triple = crossPrefix.substring(0, crossPrefix.length() - 1);
        List<Need> needs = new ArrayList<>(bootNeeds);
        needs.add(Need.command(tool("objdump"), "binutils-" + triple));
        needs.add(Need.command(tool("gcc"), "gcc-" + triple));
        needs.add(Need.file("/usr/" + triple + "/include/stdio.h", "libc6-dev-" + debianArch + "-cross"));
        needs.addAll(List.of(Need.command("cpio", "cpio"), Need.command("modinfo", "kmod"),
                Need.command("xz", "xz-utils")));
        return needs;
    }
}
