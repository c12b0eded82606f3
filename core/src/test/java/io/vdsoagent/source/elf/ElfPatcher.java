package io.vdsoagent.source.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds and overwrites fields of a 64-bit little-endian image (the live x86_64 vDSO) by walking
 * its headers independently of the parser, so corruption tests can aim at one field at a time.
 */
final class ElfPatcher {
    final byte[] bytes;
    private final ByteBuffer buf;

    ElfPatcher(byte[] image) {
        bytes = image.clone();
        buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    long phoff() {
        return buf.getLong(32);
    }

    int phnum() {
        return buf.getShort(56) & 0xffff;
    }

    /** Offset of the first program header of this type. */
    int phdr(int type) {
        for (int i = 0; i < phnum(); i++) {
            int at = (int) phoff() + i * (buf.getShort(54) & 0xffff);
            if (buf.getInt(at) == type) {
                return at;
            }
        }
        throw new AssertionError("no program header of type " + type);
    }

    /** Offset of the dynamic entry with this tag. */
    int dyn(long tag) {
        int at = (int) buf.getLong(phdr(2) + 8);
        for (; buf.getLong(at) != 0; at += 16) {
            if (buf.getLong(at) == tag) {
                return at;
            }
        }
        throw new AssertionError("no dynamic tag " + tag);
    }

    /** The dynamic value as a file offset (the vDSO links at 0, so address == offset). */
    int dynTarget(long tag) {
        return (int) buf.getLong(dyn(tag) + 8);
    }

    ElfPatcher putLong(int at, long value) {
        buf.putLong(at, value);
        return this;
    }

    ElfPatcher putInt(int at, int value) {
        buf.putInt(at, value);
        return this;
    }

    ElfPatcher putShort(int at, int value) {
        buf.putShort(at, (short) value);
        return this;
    }

    int getInt(int at) {
        return buf.getInt(at);
    }

    /** Sets a dynamic entry's value. */
    ElfPatcher dynValue(long tag, long value) {
        return putLong(dyn(tag) + 8, value);
    }

    /** Renames a dynamic tag to DT_SYMBOLIC (ignored by the parser), hiding e.g. DT_HASH. */
    ElfPatcher hideTag(long tag) {
        return putLong(dyn(tag), 16);
    }
}
