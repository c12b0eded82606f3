package io.vdsoagent.base;

import java.util.Locale;

/**
 * The one JSON string escaper (RFC 8259): quotes and backslashes escaped, the short escapes for
 * \n \r \t \b \f, every other control character and U+2028/U+2029 (line breaks to JavaScript) as a
 * backslash, {@code u} and four hex digits.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** Appends {@code s} as a quoted JSON string. */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
