/**
 * Detectors: per clock id, does {@code clock_gettime} stay in the vDSO or fall back to a syscall?
 *
 * <p>Each {@link io.vdsoagent.detect.Detector} answers with one {@link io.vdsoagent.detect.Finding}
 * per clock (verdict vdso / syscall / unknown, plus the detail that justifies it). In rank order
 * ({@link io.vdsoagent.detect.DetectorId}):
 * <ol>
 *   <li>{@link io.vdsoagent.detect.SeccompDetector} (proof): where a {@link io.vdsoagent.detect.SeccompRunner}
 *       puts it (a process of its own in the agent, a fresh short-lived thread in the CLI), a seccomp
 *       filter refuses {@code clock_gettime(*, probe buffer)} with errno 3333; libc's call then either
 *       succeeds (the vDSO answered without entering the kernel) or returns the marker (it reached
 *       the kernel). One filter per run catches every clock id, matched on the buffer address alone,
 *       since nothing else ever passes that buffer. Refused by an outer policy: inconclusive.</li>
 *   <li>{@link io.vdsoagent.detect.RusageDetector}: system share of a busy loop's CPU time (Redis
 *       {@code --check-system}); runs only for clocks seccomp left undecided, by default.</li>
 *   <li>{@link io.vdsoagent.detect.LatencyDetector}: libc vs raw syscall per-call cost ratio, FFI
 *       baseline subtracted; a hint, and the source of the per-call costs.</li>
 *   <li>{@link io.vdsoagent.detect.ClocksourceDetector}: what the clocksource's name implies (a data
 *       table); the weakest hint.</li>
 * </ol>
 * {@link io.vdsoagent.detect.JvmClockPathProbe} separately times System.nanoTime & friends against a
 * direct libc call to expose an LD_PRELOAD interposer. Detectors never throw; native access comes
 * from {@link io.vdsoagent.nativeaccess.NativeAccessLoader} and its absence yields unknown with the reason.
 */
package io.vdsoagent.detect;
