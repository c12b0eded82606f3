package io.vdsoagent.nativeaccess;

/**
 * Native memory owned by this object: it stays allocated (at a fixed address) at least as long as the
 * object is reachable, and is freed only after. Keep the object, not just {@link #address()}, wherever
 * the address may still reach the kernel.
 */
public abstract class NativeBuffer {
    private final long address;
    private final int size;

    protected NativeBuffer(long address, int size) {
        this.address = address;
        this.size = size;
    }

    public final long address() {
        return address;
    }

    public final int size() {
        return size;
    }

    /** Copies {@code bytes} to the start of the buffer. */
    public final void write(byte[] bytes) {
        if (bytes.length > size) {
            throw new IllegalArgumentException("write of " + bytes.length + " bytes into a buffer of " + size);
        }
        put(bytes);
    }

    /** The native-order long at {@code offset}. */
    public final long readLong(int offset) {
        if (offset < 0 || offset + 8 > size) {
            throw new IndexOutOfBoundsException("long at " + offset + " of a buffer of " + size);
        }
        return getLong(offset);
    }

    /** Copies {@code length} bytes from {@code offset} into {@code target} at {@code targetOffset}. */
    public final void read(int offset, byte[] target, int targetOffset, int length) {
        if (offset < 0 || length < 0 || offset + length > size || targetOffset < 0
                || targetOffset + length > target.length) {
            throw new IndexOutOfBoundsException(length + " bytes at " + offset + " of a buffer of " + size
                    + " into " + target.length + " at " + targetOffset);
        }
        get(offset, target, targetOffset, length);
    }

    protected abstract void put(byte[] bytes);

    protected abstract void get(int offset, byte[] target, int targetOffset, int length);

    protected abstract long getLong(int offset);
}
