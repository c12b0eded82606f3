package io.vdsoagent.agent.http;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One parsed request head, or the status that refuses it. Strict and bounded: only what a scraper or a
 * probe sends is accepted (origin-form target, HTTP/1.0 or 1.1, no body, no folded headers, no control
 * characters), and nothing is read beyond {@link EndpointSettings#MAX_HEADER_BYTES}.
 */
final class HttpRequest {
    /** 0 for a well-formed request, else the status to answer with (the connection closes after it). */
    final int error;
    final String reason;
    /** Bytes of the buffer this request used, including leading blank lines. */
    final int length;
    final String method;
    final String path;
    final List<String> names;
    final boolean keepAlive;
    final boolean http10;
    final String accept;
    final String acceptEncoding;
    final String authorization;

    private HttpRequest(int error, String reason, int length, String method, String path, List<String> names,
                        boolean keepAlive, boolean http10, String accept, String acceptEncoding,
                        String authorization) {
        this.error = error;
        this.reason = reason;
        this.length = length;
        this.method = method;
        this.path = path;
        this.names = names;
        this.keepAlive = keepAlive && error == 0;
        this.http10 = http10;
        this.accept = accept;
        this.acceptEncoding = acceptEncoding;
        this.authorization = authorization;
    }

    private static HttpRequest refuse(int status, String reason, int length) {
        return new HttpRequest(status, reason, length, "", "", Collections.<String>emptyList(), false, false,
                null, null, null);
    }

    /**
     * Parses the request starting at {@code buf[0]}.
     *
     * @return null when more bytes are needed, else a request or a refusal
     */
    static HttpRequest parse(byte[] buf, int end) {
        int start = 0;
        while (start < end && (buf[start] == '\r' || buf[start] == '\n') && start < 16) {
            start++; // RFC 9112 2.2: ignore blank lines before a request line (some clients send one after a body)
        }
        int lineEnd = indexOf(buf, start, end, (byte) '\n');
        // Caps count from buf[0], blank lines included: a full buffer always ends in a refusal, never a wait.
        if (lineEnd < 0) {
            if (end - start > EndpointSettings.MAX_REQUEST_LINE) {
                return refuse(414, "request line too long", end);
            }
            return end > EndpointSettings.MAX_HEADER_BYTES ? refuse(431, "request too long", end) : null;
        }
        if (lineEnd - start > EndpointSettings.MAX_REQUEST_LINE) {
            return refuse(414, "request line too long", end);
        }
        int headEnd = headEnd(buf, lineEnd, end);
        if (headEnd < 0) {
            return end > EndpointSettings.MAX_HEADER_BYTES ? refuse(431, "headers too large", end) : null;
        }
        if (headEnd > EndpointSettings.MAX_HEADER_BYTES) {
            return refuse(431, "headers too large", headEnd);
        }
        String head = new String(buf, start, headEnd - start, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\n", -1);
        // lines[last] is "" (after the final \n), lines[last-1] the blank line
        if (lines.length - 2 > EndpointSettings.MAX_HEADERS + 1) {
            return refuse(431, "too many headers", headEnd);
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            for (int c = 0; c < line.length(); c++) {
                char ch = line.charAt(c);
                if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
                    return refuse(400, "control character", headEnd);
                }
            }
            lines[i] = line;
        }
        String[] parts = lines[0].split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty() || parts[1].charAt(0) != '/'
                || parts[1].indexOf('\t') >= 0) {
            return refuse(400, "bad request line", headEnd);
        }
        boolean http10;
        if ("HTTP/1.1".equals(parts[2])) {
            http10 = false;
        } else if ("HTTP/1.0".equals(parts[2])) {
            http10 = true;
        } else {
            return refuse(400, "unsupported protocol version", headEnd);
        }
        String host = null;
        String connection = "";
        String accept = null;
        String acceptEncoding = null;
        String authorization = null;
        String contentLength = null;
        boolean chunked = false;
        for (int i = 1; i < lines.length - 2; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                return refuse(400, "bad header line", headEnd); // also rejects obs-fold (leading whitespace)
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = trim(line.substring(colon + 1));
            if ("host".equals(name)) {
                if (host != null) {
                    return refuse(400, "two Host headers", headEnd);
                }
                host = value;
            } else if ("connection".equals(name)) {
                connection = connection + "," + value.toLowerCase(Locale.ROOT);
            } else if ("accept".equals(name)) {
                accept = accept == null ? value : accept + "," + value;
            } else if ("accept-encoding".equals(name)) {
                acceptEncoding = acceptEncoding == null ? value : acceptEncoding + "," + value;
            } else if ("authorization".equals(name)) {
                if (authorization != null) {
                    return refuse(400, "two Authorization headers", headEnd);
                }
                authorization = value;
            } else if ("content-length".equals(name)) {
                if (contentLength != null && !contentLength.equals(value)) {
                    return refuse(400, "conflicting Content-Length", headEnd);
                }
                contentLength = value;
            } else if ("transfer-encoding".equals(name)) {
                chunked = true;
            }
        }
        if (!http10 && host == null) {
            return refuse(400, "no Host header", headEnd);
        }
        if (contentLength != null && !contentLength.matches("[0-9]{1,18}")) {
            return refuse(400, "bad Content-Length", headEnd);
        }
        if (chunked || (contentLength != null && Long.parseLong(contentLength) > 0)) {
            // The body is never read, so the connection closes after the answer. A POST or PUT is told
            // what is wrong with it (405), a GET with a body that bodies are refused (413).
            boolean readOnly = "GET".equals(parts[0]) || "HEAD".equals(parts[0]);
            return refuse(readOnly ? 413 : 405, readOnly ? "a request body is not accepted" : "only GET and HEAD",
                    headEnd);
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        List<String> names;
        try {
            names = q < 0 ? Collections.<String>emptyList() : names(target.substring(q + 1));
        } catch (IllegalArgumentException | UnsupportedEncodingException e) {
            return refuse(400, "bad query", headEnd);
        }
        boolean close = hasToken(connection, "close");
        boolean keepAlive = http10 ? hasToken(connection, "keep-alive") && !close : !close;
        return new HttpRequest(0, "", headEnd, parts[0], path, names, keepAlive, http10, accept, acceptEncoding,
                authorization);
    }

    /** Index just past the blank line that ends the head ("\r\n\r\n" or "\n\n"), or -1. */
    private static int headEnd(byte[] buf, int firstLineEnd, int end) {
        int i = firstLineEnd; // buf[i] == '\n'
        while (i >= 0 && i < end) {
            int next = i + 1;
            if (next < end && buf[next] == '\n') {
                return next + 1;
            }
            if (next + 1 < end && buf[next] == '\r' && buf[next + 1] == '\n') {
                return next + 2;
            }
            i = indexOf(buf, next, end, (byte) '\n');
        }
        return -1;
    }

    /** The values of {@code name[]} (Prometheus' filter); other parameters are ignored. */
    private static List<String> names(String query) throws UnsupportedEncodingException {
        List<String> names = new ArrayList<String>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            if ("name[]".equals(URLDecoder.decode(pair.substring(0, eq), "UTF-8"))) {
                names.add(URLDecoder.decode(pair.substring(eq + 1), "UTF-8"));
            }
        }
        return names;
    }

    private static boolean hasToken(String list, String token) {
        for (String t : list.split(",")) {
            if (token.equals(t.trim())) {
                return true;
            }
        }
        return false;
    }

    private static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] buf, int from, int end, byte b) {
        for (int i = from; i < end; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
