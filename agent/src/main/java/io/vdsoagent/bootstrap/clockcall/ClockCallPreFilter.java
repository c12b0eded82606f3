package io.vdsoagent.bootstrap.clockcall;

/**
 * The cheap test every loading class goes through: does its constant pool hold a Methodref or
 * InterfaceMethodref whose owner is a clock class and whose name is a clock method's name? Method
 * handles (method references such as {@code System::nanoTime}) point at such a Methodref too, so one
 * test covers calls and handles. Nearly every class answers no, after one linear walk of its constant
 * pool and without allocating more than one int per entry: no class-file parser, no strings.
 *
 * <p>May answer yes for a class that only names, say, {@code Clock.millis} on another descriptor (the
 * rewriter then leaves it unchanged); never answers no for a class with a clock call. Malformed input
 * answers no: the JVM will reject the class anyway.
 */
final class ClockCallPreFilter {

    /** Owners and names of the clock methods (internal names), from the one table. */
    private static final byte[][] OWNERS = bytes(ClockCallMethods.owners());
    private static final byte[][] NAMES = bytes(ClockCallMethods.names());

    private static final int OWNER = 1;
    private static final int NAME = 2;

    private ClockCallPreFilter() {
    }

    /** True when the class file may call (or take a handle to) a clock method. */
    static boolean mayCallClock(byte[] b) {
        try {
            return scan(b);
        } catch (ArrayIndexOutOfBoundsException malformed) {
            return false;
        }
    }

    private static boolean scan(byte[] b) {
        if (b.length < 10 || u2(b, 0) != 0xCAFE || u2(b, 2) != 0xBABE) {
            return false;
        }
        int count = u2(b, 8);
        int[] offsets = new int[count]; // where each entry (its tag byte) starts
        byte[] flags = new byte[count];
        boolean anyOwner = false;
        int p = 10;
        for (int i = 1; i < count; i++) {
            int tag = b[p] & 0xff;
            offsets[i] = p;
            switch (tag) {
                case 1: // Utf8
                    int length = u2(b, p + 1);
                    int f = flagsOf(b, p + 3, length);
                    flags[i] = (byte) f;
                    anyOwner |= (f & OWNER) != 0;
                    p += 3 + length;
                    break;
                case 3: case 4: // Integer, Float
                case 9: case 10: case 11: case 12: // Fieldref, Methodref, InterfaceMethodref, NameAndType
                case 17: case 18: // Dynamic, InvokeDynamic
                    p += 5;
                    break;
                case 5: case 6: // Long, Double take two slots
                    p += 9;
                    i++;
                    break;
                case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                    p += 3;
                    break;
                case 15: // MethodHandle
                    p += 4;
                    break;
                default:
                    return true; // a constant newer than us: let the rewriter's parser decide
            }
        }
        if (!anyOwner) {
            return false;
        }
        for (int i = 1; i < count; i++) {
            int at = offsets[i];
            int tag = b[at] & 0xff;
            if (tag != 10 && tag != 11) {
                continue;
            }
            int classEntry = offsets[u2(b, at + 1)];
            int nameAndType = offsets[u2(b, at + 3)];
            if ((b[classEntry] & 0xff) == 7 && (b[nameAndType] & 0xff) == 12
                    && (flags[u2(b, classEntry + 1)] & OWNER) != 0
                    && (flags[u2(b, nameAndType + 1)] & NAME) != 0) {
                return true;
            }
        }
        return false;
    }

    private static int flagsOf(byte[] b, int start, int length) {
        int f = 0;
        if (length >= 15 && b[start] == 'j' && matchesAny(OWNERS, b, start, length)) {
            f |= OWNER;
        }
        if (length <= 17 && matchesAny(NAMES, b, start, length)) {
            f |= NAME;
        }
        return f;
    }

    private static boolean matchesAny(byte[][] candidates, byte[] b, int start, int length) {
        for (byte[] c : candidates) {
            if (c.length == length && regionEquals(c, b, start)) {
                return true;
            }
        }
        return false;
    }

    private static boolean regionEquals(byte[] c, byte[] b, int start) {
        for (int k = 0; k < c.length; k++) {
            if (b[start + k] != c[k]) {
                return false;
            }
        }
        return true;
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static byte[][] bytes(String... strings) {
        byte[][] out = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            out[i] = new byte[strings[i].length()]; // ASCII: no charset classes to load in premain
            for (int k = 0; k < out[i].length; k++) {
                out[i][k] = (byte) strings[i].charAt(k);
            }
        }
        return out;
    }
}
