/**
 * Sources: everything the kernel tells a process about its clocks, read without native code.
 *
 * <p>Each class reads one thing and can be pointed at a fixture tree instead of the live system
 * through {@link io.vdsoagent.source.SystemRoot}:
 * <ul>
 *   <li>{@link io.vdsoagent.source.AuxvReader} / {@link io.vdsoagent.source.Auxv}: {@code /proc/self/auxv},
 *       AT_SYSINFO_EHDR (the vDSO base), AT_PAGESZ, AT_HWCAP;</li>
 *   <li>{@link io.vdsoagent.source.NativeAuxv}: libc {@code getauxval} through the one libc binding ({@code nativeaccess}), only as a
 *       fallback and for tests (the two must agree);</li>
 *   <li>{@link io.vdsoagent.source.MapsReader}: the {@code [vdso]}, {@code [vvar*]}, {@code [vsyscall]}
 *       lines of {@code /proc/self/maps} ({@link io.vdsoagent.source.SpecialMappings}), and the line at the
 *       vDSO's address, named or not;</li>
 *   <li>{@link io.vdsoagent.source.VdsoImageReader}: copies the image from AT_SYSINFO_EHDR over the extent
 *       its ELF headers give, through {@code /proc/self/mem} (a raw read of the vvar pages SIGBUSes the JVM);
 *       {@link io.vdsoagent.source.VdsoMapsCheck} compares maps with it;</li>
 *   <li>{@link io.vdsoagent.source.elf.ElfParser}: the bounds-checked ELF parser of that image;</li>
 *   <li>{@link io.vdsoagent.source.ClocksourceReader}, {@link io.vdsoagent.source.KernelSysctls}:
 *       sysfs clocksource, osrelease, arch, randomize_va_space, boot_id;
 *       {@link io.vdsoagent.source.KernelRuntimeReader}: linux or gvisor;</li>
 *   <li>{@link io.vdsoagent.source.HostFactsReader}: assembles {@link io.vdsoagent.source.HostFacts}.</li>
 * </ul>
 *
 * <p>Rules: nothing here throws to its caller; a failure becomes
 * {@link io.vdsoagent.base.Probed#unknown(String)} with a reason a person can read. Every file read
 * is capped, so a garbage /proc or fixture cannot exhaust the heap.
 *
 * <p>Fixture layout ({@code src/test/resources/hosts/<name>/}): the same relative paths as on a
 * host ({@code sys/devices/system/clocksource/clocksource0/current_clocksource},
 * {@code proc/sys/kernel/osrelease}, {@code proc/self/maps}, {@code proc/self/auxv}), plus
 * {@code proc/self/vdso.bin}, the dumped [vdso] range, standing in for /proc/self/mem.
 */
package io.vdsoagent.source;
