package io.vdsoagent.agent.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One client connection: a bounded buffer of received plaintext, and, for HTTPS, the TLS engine with its
 * encrypted buffers. Used by one thread at a time: the selector thread, or the worker answering it
 * ({@link #inWorker}), handed over through the server's queue.
 */
final class Connection {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** "No time": requestStart when no request is in progress. */
    static final long NONE = Long.MIN_VALUE;

    final SocketChannel channel;
    private final SSLEngine engine;
    /** Received plaintext; position = bytes held. Never grows past the header cap (plus one TLS record). */
    final ByteBuffer in;
    /** TLS only: received, not yet decrypted. */
    private final ByteBuffer netIn;
    /** Bytes for the wire not yet written (a large answer to a slow reader, or TLS handshake data). */
    volatile ByteBuffer pendingOut;
    SelectionKey key;
    /** Monotonic ms when the current request (or the TLS handshake) began, or {@link #NONE}. */
    long requestStart = NONE;
    long lastActive;
    volatile boolean inWorker;
    volatile boolean closeAfterWrite;
    boolean eof;

    Connection(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        if (engine == null) {
            this.in = ByteBuffer.allocate(EndpointSettings.MAX_HEADER_BYTES + 1);
            this.netIn = null;
        } else {
            this.in = ByteBuffer.allocate(EndpointSettings.MAX_HEADER_BYTES + 1
                    + engine.getSession().getApplicationBufferSize());
            this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        }
    }

    /** Reads what the socket has; returns -1 at end of stream, else the bytes read from the socket. */
    int read() throws IOException {
        if (engine == null) {
            if (!in.hasRemaining()) {
                return 0; // full: the parser answers 431
            }
            int n = channel.read(in);
            if (n < 0) {
                eof = true;
            }
            return n;
        }
        int n = channel.read(netIn);
        if (n < 0) {
            eof = true;
            engine.closeInbound();
            return -1;
        }
        unwrapBuffered();
        return n;
    }

    /**
     * TLS: runs the handshake and decrypts whatever whole records are buffered into {@link #in}, until
     * the engine needs more bytes from the peer or {@link #pendingOut} has handshake data to send first.
     */
    void unwrapBuffered() throws IOException {
        if (engine == null) {
            return;
        }
        while (pendingOut == null) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                continue;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                SSLEngineResult r = engine.wrap(EMPTY, out);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    throw new SSLException("closed during handshake");
                }
                out.flip();
                write(out);
                continue;
            }
            if (netIn.position() == 0) {
                return;
            }
            netIn.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, in);
            } finally {
                netIn.compact();
            }
            switch (r.getStatus()) {
                case OK:
                    HandshakeStatus after = engine.getHandshakeStatus();
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                            && after != HandshakeStatus.NEED_TASK && after != HandshakeStatus.NEED_WRAP) {
                        return;
                    }
                    break;
                case BUFFER_UNDERFLOW:
                    if (!netIn.hasRemaining()) {
                        throw new SSLException("TLS record larger than the packet buffer");
                    }
                    return; // need more bytes
                case BUFFER_OVERFLOW:
                    return; // in is past the header cap: the parser answers 431
                case CLOSED:
                default:
                    eof = true;
                    return;
            }
        }
    }

    boolean handshaking() {
        return engine != null && engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING;
    }

    /** Drops the first {@code n} bytes of {@link #in} (a request that has been taken). */
    void consume(int n) {
        in.flip();
        in.position(Math.min(n, in.limit()));
        in.compact();
    }

    /** Worker: encrypts if needed and writes the whole answer with one write where the socket allows. */
    void send(byte[] response) throws IOException {
        ByteBuffer wire = ByteBuffer.wrap(response);
        if (engine != null) {
            int packet = engine.getSession().getPacketBufferSize();
            ByteBuffer out = ByteBuffer.allocate(packet * (response.length / 16384 + 2));
            while (wire.hasRemaining()) {
                SSLEngineResult r = engine.wrap(wire, out);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    ByteBuffer bigger = ByteBuffer.allocate(out.capacity() * 2);
                    out.flip();
                    bigger.put(out);
                    out = bigger;
                } else if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException("TLS " + r.getStatus());
                }
            }
            out.flip();
            wire = out;
        }
        write(wire);
    }

    /** Writes without blocking; what the socket does not take waits in {@link #pendingOut}. */
    private void write(ByteBuffer wire) throws IOException {
        while (wire.hasRemaining()) {
            if (channel.write(wire) == 0) {
                pendingOut = wire;
                return;
            }
        }
    }

    /** Selector thread, on OP_WRITE. */
    void flush() throws IOException {
        ByteBuffer out = pendingOut;
        pendingOut = null;
        if (out != null) {
            write(out);
        }
    }

    void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
