package io.vdsoagent.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HttpRequestTest {

    private static HttpRequest parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return HttpRequest.parse(b, b.length);
    }

    @Test
    void aCompleteRequestAndItsLength() {
        String one = "GET /metrics?name[]=a&name[]=b%5F HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n"
                + "Accept-Encoding: gzip\r\n\r\n";
        HttpRequest r = parse(one + "GET / HTTP/1.1\r\n");
        assertEquals(0, r.error);
        assertEquals(one.length(), r.length);
        assertEquals("/metrics", r.path);
        assertEquals(Arrays.asList("a", "b_"), r.names);
        assertTrue(r.keepAlive);
        assertEquals("gzip", r.acceptEncoding);
    }

    @Test
    void incompleteHeadsWaitForMoreBytes() {
        assertNull(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n"));
        assertNull(parse("GET /metr"));
        assertNull(parse(""));
    }

    @Test
    void http10KeepsAliveOnlyWhenAsked() {
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive);
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive);
        assertFalse(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n").keepAlive);
    }

    /** A buffer filled to the cap must end in a refusal, else the connection would wait for bytes it can never hold. */
    @Test
    void aFullBufferIsAlwaysRefused() {
        char[] filler = new char[EndpointSettings.MAX_HEADER_BYTES];
        Arrays.fill(filler, 'a');
        String[] full = {
                "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nX: " + new String(filler),
                "GET / HTTP/1.1\r\nX: " + new String(filler),
                "GET /" + new String(filler),
        };
        for (String s : full) {
            String cut = s.substring(0, EndpointSettings.MAX_HEADER_BYTES + 1);
            HttpRequest r = parse(cut);
            assertNotNull(r, cut.substring(0, 40));
            assertTrue(r.error == 431 || r.error == 414, "status " + r.error);
        }
    }

    @Test
    void duplicatesThatCouldSmuggleAreRefused() {
        assertEquals(400, parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").error);
        assertEquals(400, parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n").error);
        assertEquals(413, parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx").error);
        HttpRequest post = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx");
        assertEquals(405, post.error);
        assertFalse(post.keepAlive, "the unread body would be taken for the next request");
        assertEquals(400, parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n").error);
        assertEquals(400, parse("GET  / HTTP/1.1\r\nHost: a\r\n\r\n").error);
        assertEquals(400, parse("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n").error);
    }
}
