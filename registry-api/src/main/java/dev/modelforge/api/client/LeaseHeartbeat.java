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
    private final Duration leaseDuration;
    private volatile Instant expiresAt;

    private LeaseHeartbeat(String name, Duration interval, Instant expiresAt, BooleanSupplier beat) {
        this.expiresAt = expiresAt;
        this.leaseDuration = interval.multipliedBy(3);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        timer.scheduleAtFixedRate(() -> {
            try {
                Instant sent = Instant.now();
                if (!beat.getAsBoolean()) {
                    lost = true;
                    timer.shutdown();
                } else {
                    confirmed(sent);
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
        return new LeaseHeartbeat(name, interval, null, beat);
    }

    /**
     * Starts beating for a lease just granted, and keeps track of its expiry (see {@link #expiresAt()}).
     *
     * @param name          thread name, for thread dumps
     * @param expiresHeader the {@link Leases#EXPIRES_HEADER} value of the claim (null: a 30 s beat, expiry unknown)
     * @param now           when the claim was answered
     * @param beat          sends one heartbeat; answers false when the registry says the lease is lost
     * @return the running heartbeat; close it when the job's work is done
     */
    public static LeaseHeartbeat start(String name, String expiresHeader, Instant now, BooleanSupplier beat) {
        Instant expires = expiresHeader == null || expiresHeader.isBlank() ? null : Instant.parse(expiresHeader.trim());
        return new LeaseHeartbeat(name, intervalFor(expiresHeader, now), expires, beat);
    }

    /**
     * The registry extended the lease by its full duration at {@code sentAt} (a heartbeat, a progress report).
     *
     * @param sentAt when the confirmed call was sent (conservative: the registry extended it a little later)
     */
    public void confirmed(Instant sentAt) {
        Instant extended = sentAt.plus(leaseDuration);
        Instant current = expiresAt;
        if (current != null && extended.isAfter(current)) {
            expiresAt = extended;
        }
    }

    /**
     * When the lease expires as last confirmed by the registry: what a worker riding out a registry outage measures
     * its patience against.
     *
     * @return the expiry, or null when the claim did not say
     */
    public Instant expiresAt() {
        return expiresAt;
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
