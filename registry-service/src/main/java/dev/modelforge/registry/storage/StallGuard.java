package dev.modelforge.registry.storage;

import java.net.HttpURLConnection;
import java.time.Duration;

/**
 * Bounds a socket write to the store. {@link HttpURLConnection} has a read timeout but none for writes: a
 * stalled store (full TCP window, process stopped) blocks {@code write} for ever. The streaming thread marks
 * when a write starts and ends; a watcher calls {@link #check()} and disconnects a connection whose current
 * write has not returned within the bound, which makes the blocked write fail.
 */
final class StallGuard {
    private final HttpURLConnection connection;
    private final long limitNanos;
    /** {@link System#nanoTime()} when the pending write began, or 0 when no write is pending. */
    private volatile long writingSince;
    private volatile boolean fired;

    StallGuard(HttpURLConnection connection, Duration limit) {
        this.connection = connection;
        this.limitNanos = limit.toNanos();
    }

    void writing() {
        writingSince = System.nanoTime();
    }

    void idle() {
        writingSince = 0;
    }

    /** Called periodically from the watcher thread. */
    void check() {
        long since = writingSince;
        if (since != 0 && !fired && System.nanoTime() - since > limitNanos) {
            fired = true;
            connection.disconnect();
        }
    }

    /** @return whether this guard aborted the connection */
    boolean fired() {
        return fired;
    }
}
