package dev.modelforge.registry.version;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded in-memory pipe from the upload thread to the signature parser. Unlike
 * {@link java.io.PipedInputStream} it does not poll once a second and does not care which thread writes
 * (the S3 client reads the request body from its own threads), so handoffs cost a signal, not a timeout.
 */
final class BytePipe {
    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int head;
    private int size;
    /** Bytes the reader skipped that the writer has not written yet: dropped on arrival, never copied. */
    private long skipPending;
    private boolean writerClosed;
    private boolean readerClosed;

    BytePipe(int capacity) {
        ring = new byte[capacity];
    }

    /**
     * Copies {@code b} into the pipe, waiting for room.
     *
     * @return false if the reader has gone (the bytes are then dropped)
     */
    boolean write(byte[] b, int off, int len) throws InterruptedException {
        lock.lock();
        try {
            while (len > 0) {
                if (skipPending > 0) {
                    int dropped = (int) Math.min(len, skipPending);
                    skipPending -= dropped;
                    off += dropped;
                    len -= dropped;
                    if (skipPending == 0) {
                        notEmpty.signal(); // the reader waits for its skip to complete
                    }
                    continue;
                }
                if (size == ring.length && !readerClosed) {
                    notFull.await();
                    continue; // the reader may have asked for a skip meanwhile: those bytes are dropped
                }
                if (readerClosed) {
                    return false;
                }
                int tail = (head + size) % ring.length;
                int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
                System.arraycopy(b, off, ring, tail, n);
                size += n;
                off += n;
                len -= n;
                notEmpty.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    void closeWriter() {
        lock.lock();
        try {
            writerClosed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reading end; closing it releases a blocked writer. */
    InputStream reader() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                lock.lock();
                try {
                    while (size == 0 && !writerClosed) {
                        notEmpty.await();
                    }
                    if (size == 0) {
                        return -1;
                    }
                    int n = Math.min(len, Math.min(size, ring.length - head));
                    System.arraycopy(ring, head, b, off, n);
                    head = (head + n) % ring.length;
                    size -= n;
                    notFull.signal();
                    return n;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } finally {
                    lock.unlock();
                }
            }

            /**
             * Skips without copying: bytes already buffered are dropped, the rest are dropped by the writer as
             * they arrive. The signature parser skips weight tensors this way, so gigabytes of weights cost the
             * upload thread a counter update instead of a copy, and the parser thread one wake-up per tensor.
             */
            @Override
            public long skip(long n) throws IOException {
                if (n <= 0) {
                    return 0;
                }
                lock.lock();
                try {
                    int buffered = (int) Math.min(n, size);
                    head = (head + buffered) % ring.length;
                    size -= buffered;
                    if (buffered > 0) {
                        notFull.signal();
                    }
                    if (buffered == n) {
                        return n;
                    }
                    skipPending = n - buffered;
                    while (skipPending > 0 && !writerClosed) {
                        notEmpty.await();
                    }
                    long skipped = n - skipPending; // short only if the stream ended
                    skipPending = 0;
                    return skipped;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void close() {
                lock.lock();
                try {
                    readerClosed = true;
                    notFull.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        };
    }
}
