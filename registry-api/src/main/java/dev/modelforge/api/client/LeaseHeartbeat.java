package dev.modelforge.api.client;

import dev.modelforge.api.job.Leases;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Keeps a job's lease alive while a worker does long work that reports nothing (a calibration pass, a minutes-long
 * measurement): a daemon thread sends a heartbeat every third of the lease. A beat answers false when the registry
 * says the lease is lost; then the heartbeat stops and {@link #lost()} tells the worker to give the job up. A beat
 * that throws (registry briefly unreachable) is tried again next period: the lease tolerates two missed beats.
 */
public final class LeaseHeartbeat implements AutoCloseable {

    private static final Duration MIN_INTERVAL = Duration.ofMillis(500);
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final ScheduledExecutorService timer;
    private volatile boolean lost;

    private LeaseHeartbeat(String name, Duration interval, BooleanSupplier beat) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(() -> {
            try {
                if (!beat.getAsBoolean()) {
                    lost = true;
                    timer.shutdown();
                }
            } catch (RuntimeException e) {
                // transient: the next beat tries again, well within the lease
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts beating.
     *
     * @param name     thread name, for thread dumps
     * @param interval time between beats, see {@link #intervalFor}
     * @param beat     sends one heartbeat; answers false when the registry says the lease is lost
     * @return the running heartbeat; close it when the job's work is done
     */
    public static LeaseHeartbeat start(String name, Duration interval, BooleanSupplier beat) {
        return new LeaseHeartbeat(name, interval, beat);
    }

    /**
     * A third of the time the lease has left, so two beats may fail before it expires.
     *
     * @param expiresHeader the {@link Leases#EXPIRES_HEADER} value of the claim (null: a 30 s default)
     * @param now           the current time
     * @return the heartbeat interval, at least half a second
     */
    public static Duration intervalFor(String expiresHeader, Instant now) {
        if (expiresHeader == null || expiresHeader.isBlank()) {
            return DEFAULT_INTERVAL;
        }
        Duration third = Duration.between(now, Instant.parse(expiresHeader.trim())).dividedBy(3);
        return third.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : third;
    }

    /** @return true once a beat was told the lease is lost */
    public boolean lost() {
        return lost;
    }

    /** Stops beating. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
