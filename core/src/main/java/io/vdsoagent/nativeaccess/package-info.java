/**
 * Native access behind one interface ({@link io.vdsoagent.nativeaccess.NativeAccess}): the FFM API on
 * JDK 22+ (from a named module in its own layer, native access enabled for that module alone), jnr-ffi
 * before (with jffi's stub loaded from our own jar into our own class loader). Per-architecture syscall
 * numbers as data ({@link io.vdsoagent.nativeaccess.ArchTable}); buffers owned by whoever allocates
 * them ({@link io.vdsoagent.nativeaccess.NativeBuffer}). Any failure is a reason, never an exception.
 */
package io.vdsoagent.nativeaccess;
