package dev.modelforge.registry.version;

import dev.modelforge.registry.error.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The request body as a blocking stream for the upload worker thread, filled by the event loop ahead of
 * the reader. Quarkus REST's own body stream asks the event loop for one network buffer per read (a
 * round trip between two threads for every ~8 KiB), so the upload thread spent most of a large upload
 * waiting; here the event loop keeps receiving while the worker hashes and writes to storage, up to
 * {@code highWaterBytes} queued. Above that the request is paused (TCP back-pressure reaches the client);
 * once the worker has drained the queue to half of it, reception resumes. Memory per upload stays at
 * about {@code highWaterBytes} plus one network buffer.
 *
 * <p>A client that disconnects mid-body or sends nothing for {@code idleTimeout} makes {@link #read}
 * fail; {@link #failure()} then names the problem. {@link #close()} before the end drops whatever the
 * client still sends (so it can finish and read the answer) and closes the connection if that is more
 * than {@link #DISCARD_LIMIT_BYTES}.
 */
final class RequestBodyStream extends InputStream {
    /** A client still sending this much after the answer is decided is cut off rather than read. */
    static final long DISCARD_LIMIT_BYTES = 64L << 20;

    private final HttpServerRequest request;
    private final long highWaterBytes;
    private final long lowWaterBytes;
    private final long idleTimeoutNanos;
    private final Counter pauses;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    /** Read position inside {@code queue.peekFirst()}. */
    private int headOffset;
    private long queuedBytes;
    private long discardedBytes;
    private boolean paused;
    /** The body ended or the connection failed (told by the event loop). */
    private boolean ended;
    private boolean closed;
    /** Why the body cannot be read to its end: set by the event loop, or by the reader giving up on a silent client. */
    private ProblemException failure;

    private RequestBodyStream(HttpServerRequest request, long highWaterBytes, Duration idleTimeout, Counter pauses) {
        this.request = request;
        this.pauses = pauses;
        this.highWaterBytes = Math.max(1, highWaterBytes);
        this.lowWaterBytes = this.highWaterBytes / 2;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    /**
     * Starts receiving the body of {@code request}, which must not have been read by anyone else.
     *
     * @param highWaterBytes queued bytes at which reception pauses
     * @param idleTimeout    longest wait for the next bytes before the upload fails
     * @param pauses         counts each time reception waits for the worker (storage slower than the client)
     */
    static RequestBodyStream open(HttpServerRequest request, long highWaterBytes, Duration idleTimeout,
                                  Counter pauses) {
        var body = new RequestBodyStream(request, highWaterBytes, idleTimeout, pauses);
        // Paused while the handlers are set, so no buffer can arrive before its handler.
        request.pause();
        if (request.isEnded()) {
            body.ended = true;
            return body;
        }
        request.handler(body::received);
        request.endHandler(v -> body.end(null));
        request.exceptionHandler(e -> body.end(ProblemException.incompleteBody(400,
                "the connection failed before the whole body arrived: " + e.getMessage())));
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            request.response().writeContinue();
        }
        request.resume();
        return body;
    }

    /** On the event loop: one network buffer. */
    private void received(Buffer buffer) {
        boolean cutOff = false;
        lock.lock();
        try {
            if (closed) {
                discardedBytes += buffer.length();
                cutOff = discardedBytes > DISCARD_LIMIT_BYTES && discardedBytes - buffer.length() <= DISCARD_LIMIT_BYTES;
            } else {
                queue.addLast(buffer);
                queuedBytes += buffer.length();
                if (queuedBytes >= highWaterBytes && !paused) {
                    paused = true;
                    request.pause();
                    pauses.increment();
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (cutOff) {
            request.connection().close();
        }
    }

    /** On the event loop: the body ended, or the connection failed ({@code error} set). */
    private void end(ProblemException error) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            if (failure == null) {
                failure = error;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /** Blocks until some bytes are queued, then returns as many as fit (never waits to fill {@code b}). */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        boolean resume = false;
        int copied = 0;
        lock.lock();
        try {
            long waitNanos = idleTimeoutNanos;
            while (queue.isEmpty() && !ended && !closed && failure == null) {
                if (waitNanos <= 0) {
                    failure = ProblemException.incompleteBody(408, "the client sent no bytes for "
                            + TimeUnit.NANOSECONDS.toSeconds(idleTimeoutNanos) + " s before the body was complete");
                    break;
                }
                waitNanos = changed.awaitNanos(waitNanos);
            }
            if (closed) {
                throw new IOException("request body stream closed");
            }
            if (queue.isEmpty()) {
                if (failure != null) {
                    throw new IOException(failure.getMessage());
                }
                return -1;
            }
            while (copied < len && !queue.isEmpty()) {
                Buffer head = queue.peekFirst();
                int n = Math.min(len - copied, head.length() - headOffset);
                head.getBytes(headOffset, headOffset + n, b, off + copied);
                copied += n;
                headOffset += n;
                if (headOffset == head.length()) {
                    queue.removeFirst();
                    headOffset = 0;
                }
            }
            queuedBytes -= copied;
            if (paused && queuedBytes <= lowWaterBytes) {
                paused = false;
                resume = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the request body", e);
        } finally {
            lock.unlock();
        }
        if (resume) {
            request.resume(); // thread-safe: Vert.x schedules the delivery on the event loop
        }
        return copied;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queuedBytes);
        } finally {
            lock.unlock();
        }
    }

    /** Why reading failed (client gone or silent), or null if it did not. */
    ProblemException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** Releases the queue; a body not read to its end is received and dropped from here on. */
    @Override
    public void close() {
        boolean drop;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            drop = !ended;
            queue.clear();
            queuedBytes = 0;
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (drop) {
            request.resume();
        }
    }
}
