/**
 * The jnr-ffi binding to libc the detectors use ({@code clock_gettime}, {@code syscall},
 * {@code prctl}, {@code getrusage}, {@code abs}), per-architecture syscall numbers as data
 * ({@link io.vdsoagent.nativeaccess.ArchTable}), and never-freed native buffers. Loaded lazily and
 * once; any failure (non-Linux, unknown arch, jffi unable to load) is remembered as a reason, never
 * thrown. Sets no system properties.
 */
package io.vdsoagent.nativeaccess;
