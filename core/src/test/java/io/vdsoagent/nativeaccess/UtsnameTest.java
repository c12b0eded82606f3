package io.vdsoagent.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The struct layout; the live call is checked against the uname command in {@code NativeAccessTest}. */
class UtsnameTest {

    @Test
    void sixFieldsOf65BytesEachNulTerminatedOrFull() {
        byte[] raw = new byte[Utsname.BYTES];
        put(raw, 0, "Linux");
        put(raw, 1, "node");
        put(raw, 2, "6.18.44");
        String full = new String(new char[65]).replace('\0', 'v'); // no NUL: the field's whole 65 bytes
        put(raw, 3, full);
        put(raw, 4, "x86_64");
        put(raw, 5, "(none)");
        Utsname u = Utsname.parse(raw);
        assertEquals("Linux", u.sysname());
        assertEquals("6.18.44", u.release());
        assertEquals(full, u.version());
        assertEquals("x86_64", u.machine());
    }

    @Test
    void aShortStructIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Utsname.parse(new byte[Utsname.BYTES - 1]));
    }

    private static void put(byte[] raw, int field, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, raw, field * Utsname.FIELD, b.length);
    }
}
