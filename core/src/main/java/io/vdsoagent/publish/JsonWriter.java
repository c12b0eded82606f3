package io.vdsoagent.publish;

import io.vdsoagent.base.JsonStrings;

/**
 * A tiny streaming JSON writer: enough for the report, no dependency that could clash with the
 * application's. Commas are inserted automatically; strings are escaped per RFC 8259.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private boolean needComma;

    JsonWriter beginObject() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    JsonWriter beginArray() {
        comma();
        out.append('[');
        needComma = false;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    JsonWriter name(String name) {
        comma();
        string(name);
        out.append(':');
        needComma = false;
        return this;
    }

    JsonWriter value(String s) {
        comma();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        needComma = true;
        return this;
    }

    JsonWriter value(long n) {
        comma();
        out.append(n);
        needComma = true;
        return this;
    }

    /** NaN and infinities are not JSON numbers: they become null. */
    JsonWriter value(double d) {
        comma();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else {
            out.append(d);
        }
        needComma = true;
        return this;
    }

    JsonWriter value(boolean b) {
        comma();
        out.append(b);
        needComma = true;
        return this;
    }

    /** Appends already-serialised JSON (the caller vouches for it). */
    JsonWriter raw(String json) {
        comma();
        out.append(json);
        needComma = true;
        return this;
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void string(String s) {
        JsonStrings.quote(out, s);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
