package io.vdsoagent.source.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little/big-endian reads over an ELF image. Every offset comes from the image
 * itself, so every read is checked here and fails as {@link ElfParseException}, never as an
 * IndexOutOfBoundsException. Offsets are longs: a 64-bit field can hold anything.
 */
final class ElfBytes {
    private final ByteBuffer buf;
    private final boolean is64;

    ElfBytes(byte[] image, ByteOrder order, boolean is64) {
        this.buf = ByteBuffer.wrap(image).order(order);
        this.is64 = is64;
    }

    int size() {
        return buf.capacity();
    }

    boolean is64() {
        return is64;
    }

    ByteOrder order() {
        return buf.order();
    }

    /** Throws unless {@code [offset, offset + length)} lies inside the image. */
    void check(long offset, long length, String what) throws ElfParseException {
        if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
            throw new ElfParseException(what + " at offset " + offset + " (+" + length + " bytes) lies outside the "
                    + size() + "-byte image");
        }
    }

    int u8(long offset, String what) throws ElfParseException {
        check(offset, 1, what);
        return buf.get((int) offset) & 0xff;
    }

    int u16(long offset, String what) throws ElfParseException {
        check(offset, 2, what);
        return buf.getShort((int) offset) & 0xffff;
    }

    long u32(long offset, String what) throws ElfParseException {
        check(offset, 4, what);
        return buf.getInt((int) offset) & 0xffffffffL;
    }

    /**
     * An address-sized field (Elf64_Addr/Off/Xword or their 32-bit forms). A 64-bit value above
     * 2^63 comes back negative and fails every later bounds check, which is what we want.
     */
    long word(long offset, String what) throws ElfParseException {
        if (!is64) {
            return u32(offset, what);
        }
        check(offset, 8, what);
        return buf.getLong((int) offset);
    }

    /** Signed-tag form of {@link #word}: d_tag is signed in Elf32_Dyn. */
    long signedWord(long offset, String what) throws ElfParseException {
        if (!is64) {
            check(offset, 4, what);
            return buf.getInt((int) offset);
        }
        return word(offset, what);
    }

    int wordSize() {
        return is64 ? 8 : 4;
    }

    /** A NUL-terminated string that must end before {@code limit} (the end of its string table). */
    String cString(long offset, long limit, String what) throws ElfParseException {
        long end = Math.min(limit, size());
        check(offset, 0, what);
        for (long i = offset; i < end; i++) {
            if (buf.get((int) i) == 0) {
                byte[] bytes = new byte[(int) (i - offset)];
                for (int k = 0; k < bytes.length; k++) {
                    bytes[k] = buf.get((int) offset + k);
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
        throw new ElfParseException(what + " at offset " + offset + " is not NUL-terminated within its table");
    }

    /** Lower-case hex of {@code length} bytes. */
    String hex(long offset, long length, String what) throws ElfParseException {
        check(offset, length, what);
        StringBuilder sb = new StringBuilder((int) length * 2);
        for (long i = offset; i < offset + length; i++) {
            int b = buf.get((int) i) & 0xff;
            sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
