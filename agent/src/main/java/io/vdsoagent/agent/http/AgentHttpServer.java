package io.vdsoagent.agent.http;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's endpoint: a small HTTP/1.1 server on java.base NIO ({@code /metrics}, {@code /report},
 * {@code /-/healthy}). It depends on nothing of the agent but {@link EndpointContent}.
 *
 * <p>Threads: one selector thread ({@code vdso-agent-http}) accepts, reads and parses every connection
 * without blocking; a fixed pool of worker threads ({@code vdso-agent-http-worker}, 2 by default) builds
 * and writes complete answers. A worker only ever sees a complete request head, so a slow or idle client
 * can hold a connection slot (until its deadline, or until a newer connection evicts it at the cap) but
 * never a worker. While a request is being answered its connection is not read: pipelined requests queue
 * in the connection's buffer and in TCP, and are answered in order.
 *
 * <p>Exit: a shutdown hook closes the selector and waits briefly for the selector thread to leave
 * {@code epoll_wait}, so HotSpot's exit does not wait for a thread in native code.
 */
public final class AgentHttpServer {
    private static final Logger log = LoggerFactory.getLogger(AgentHttpServer.class);
    private static final int BACKLOG = 64;

    private final EndpointSettings settings;
    private final EndpointRoutes routes;
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    private final Thread loop;
    private final Thread hook;
    private final int port;
    /** Connections a worker has finished with, handed back to the selector thread. */
    private final ConcurrentLinkedQueue<Connection> returned = new ConcurrentLinkedQueue<Connection>();
    /** Owned by the selector thread. */
    private final List<Connection> connections = new ArrayList<Connection>();
    private volatile boolean closed;
    private boolean acceptRefusedLogged;
    private SelectionKey listenerKey;
    /** When accept failed (out of file descriptors): accepting resumes at this time, NONE when not paused. */
    private long acceptPausedUntil = Connection.NONE;

    private AgentHttpServer(EndpointSettings settings, EndpointContent content, ServerSocketChannel listener,
                            Selector selector, int port) {
        this.settings = settings;
        this.routes = new EndpointRoutes(content, settings);
        this.listener = listener;
        this.selector = selector;
        this.port = port;
        this.workers = new ThreadPoolExecutor(settings.workers, settings.workers, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<Runnable>(), daemons("vdso-agent-http-worker"));
        this.loop = daemons("vdso-agent-http").newThread(new Runnable() {
            @Override
            public void run() {
                runLoop();
            }
        });
        this.hook = new Thread(new Runnable() {
            @Override
            public void run() {
                closeAndWait(200);
            }
        }, "vdso-agent-http-exit");
    }

    /**
     * Binds the first free port of the settings' range and starts serving.
     *
     * @throws IOException when no port of the range can be bound (the message names the range)
     */
    public static AgentHttpServer start(EndpointSettings settings, EndpointContent content) throws IOException {
        IOException last = null;
        for (int p = settings.firstPort; p <= settings.lastPort; p++) {
            ServerSocketChannel listener = ServerSocketChannel.open();
            try {
                listener.bind(new InetSocketAddress(settings.host, p), BACKLOG);
                listener.configureBlocking(false);
                Selector selector = Selector.open();
                SelectionKey listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
                int bound = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                AgentHttpServer server = new AgentHttpServer(settings, content, listener, selector, bound);
                server.listenerKey = listenerKey;
                server.begin();
                return server;
            } catch (BindException e) {
                listener.close();
                last = e;
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
        }
        throw new BindException("port " + settings.ports() + (settings.firstPort == settings.lastPort
                ? "" : " (every one)") + ": " + (last == null ? "in use" : last.getMessage()));
    }

    private void begin() {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException | SecurityException e) {
            log.debug("no shutdown hook for the endpoint: {}", e.toString());
        }
        loop.start();
    }

    public int port() {
        return port;
    }

    /** Closes the listener and every connection; the worker threads end. */
    public void stop() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | SecurityException e) {
            // shutting down already: the hook does the same
        }
        closeAndWait(1000);
    }

    private void closeAndWait(long millis) {
        closed = true;
        selector.wakeup();
        workers.shutdownNow();
        try {
            loop.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- selector thread ----

    private void runLoop() {
        try {
            while (!closed) {
                long now = millis();
                long wait = expire(now);
                try {
                    selector.select(wait);
                } catch (IOException e) {
                    log.warn("endpoint: select failed", e);
                    continue;
                }
                if (closed) {
                    break;
                }
                now = millis();
                Connection back;
                while ((back = returned.poll()) != null) {
                    resume(back, now);
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.attachment() == null) {
                        accept(now);
                    } else {
                        Connection c = (Connection) key.attachment();
                        try {
                            if (key.isWritable()) {
                                onWritable(c, now);
                            } else if (key.isReadable()) {
                                onReadable(c, now);
                            }
                        } catch (IOException | RuntimeException e) {
                            close(c);
                        }
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (Throwable t) {
            log.warn("endpoint stopped: {}", t.toString());
        } finally {
            for (Connection c : new ArrayList<Connection>(connections)) {
                close(c);
            }
            quietly(listener);
            try {
                selector.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    private void accept(long now) {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (SecurityException e) {
                if (!acceptRefusedLogged) {
                    acceptRefusedLogged = true;
                    log.warn("endpoint: a SecurityManager refuses its connections ({}); probing continues",
                            e.getMessage());
                }
                continue; // the JDK closed the refused connection; take the next one
            } catch (IOException e) {
                // e.g. EMFILE: the pending connection stays pending; stop selecting on it for a moment
                // rather than spinning on a listener that is always ready.
                listenerKey.interestOps(0);
                acceptPausedUntil = now + 100;
                return;
            }
            if (channel == null) {
                return;
            }
            try {
                if (connections.size() >= settings.maxConnections && !evictOne()) {
                    channel.close();
                    continue;
                }
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
                Connection c = new Connection(channel, settings.tls == null ? null : settings.tls.newEngine());
                c.requestStart = now;
                c.lastActive = now;
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
                connections.add(c);
            } catch (IOException | RuntimeException e) {
                quietly(channel);
            }
        }
    }

    /** At the cap, the least recently active connection not being answered gives way to the new one. */
    private boolean evictOne() {
        Connection oldest = null;
        for (Connection c : connections) {
            if (!c.inWorker && (oldest == null || c.lastActive < oldest.lastActive)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        close(oldest);
        return true;
    }

    private void onReadable(Connection c, long now) throws IOException {
        int n = c.read();
        if (n < 0) {
            close(c);
            return;
        }
        if (n > 0) {
            if (c.requestStart == Connection.NONE) {
                c.requestStart = now;
            }
            c.lastActive = now;
        }
        if (c.pendingOut != null) {
            c.key.interestOps(SelectionKey.OP_WRITE); // TLS handshake data still to go out
            return;
        }
        dispatchIfComplete(c);
    }

    private void dispatchIfComplete(final Connection c) {
        final HttpRequest request = HttpRequest.parse(c.in.array(), c.in.position());
        if (request == null) {
            if (c.eof) {
                close(c);
            } else {
                c.key.interestOps(SelectionKey.OP_READ);
            }
            return;
        }
        c.consume(request.error == 0 ? request.length : c.in.position());
        c.inWorker = true;
        c.key.interestOps(0);
        try {
            workers.execute(new Runnable() {
                @Override
                public void run() {
                    answer(c, request);
                }
            });
        } catch (RuntimeException e) {
            c.inWorker = false;
            close(c);
        }
    }

    private void onWritable(Connection c, long now) throws IOException {
        c.flush();
        c.lastActive = now;
        if (c.pendingOut == null) {
            afterAnswer(c, now);
        }
    }

    private void resume(Connection c, long now) {
        c.inWorker = false;
        if (!c.channel.isOpen()) {
            connections.remove(c);
            return;
        }
        if (c.pendingOut != null) {
            c.key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        afterAnswer(c, now);
    }

    /** The answer is out: close, or start on the next request (perhaps already buffered: pipelining). */
    private void afterAnswer(Connection c, long now) {
        if (c.closeAfterWrite) {
            close(c);
            return;
        }
        c.lastActive = now;
        try {
            c.unwrapBuffered();
        } catch (IOException e) {
            close(c);
            return;
        }
        if (!c.handshaking()) {
            c.requestStart = c.in.position() > 0 ? now : Connection.NONE;
        }
        if (c.pendingOut != null) {
            c.key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        dispatchIfComplete(c);
    }

    /** Cuts connections past their deadline; returns how long select may wait (0 = no deadline). */
    private long expire(long now) {
        long next = Long.MAX_VALUE;
        if (acceptPausedUntil != Connection.NONE) {
            if (acceptPausedUntil <= now) {
                acceptPausedUntil = Connection.NONE;
                listenerKey.interestOps(SelectionKey.OP_ACCEPT);
            } else {
                next = acceptPausedUntil;
            }
        }
        for (Iterator<Connection> it = connections.iterator(); it.hasNext(); ) {
            Connection c = it.next();
            if (c.inWorker) {
                continue;
            }
            long deadline = c.requestStart != Connection.NONE ? c.requestStart + settings.requestTimeoutMillis
                    : c.pendingOut != null ? c.lastActive + settings.requestTimeoutMillis
                    : c.lastActive + settings.idleTimeoutMillis;
            if (deadline <= now) {
                it.remove();
                c.closeChannel();
            } else {
                next = Math.min(next, deadline);
            }
        }
        return next == Long.MAX_VALUE ? 0 : Math.max(1, next - now);
    }

    /** Monotonic milliseconds: a wall-clock step must neither cut every connection nor keep one for ever. */
    private static long millis() {
        return System.nanoTime() / 1_000_000L;
    }

    private void close(Connection c) {
        connections.remove(c);
        c.closeChannel();
    }

    // ---- worker threads ----

    private void answer(Connection c, HttpRequest request) {
        try {
            byte[] response = routes.respond(request);
            c.closeAfterWrite = !request.keepAlive;
            c.send(response);
        } catch (Throwable t) {
            c.closeAfterWrite = true;
            c.closeChannel();
        } finally {
            returned.add(c);
            selector.wakeup();
        }
    }

    private static void quietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ThreadFactory daemons(final String name) {
        final AtomicInteger count = new AtomicInteger();
        return new ThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                int n = count.incrementAndGet();
                Thread t = new Thread(task, "vdso-agent-http".equals(name) ? name : name + "-" + n);
                t.setDaemon(true);
                return t;
            }
        };
    }
}
