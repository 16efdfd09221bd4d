package dev.modelforge.api.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * What a worker does after one failed step of a job delivery (claim, download, compute, report): wait and retry,
 * give the delivery up, or dead-letter the message. One instance per delivery; it counts the failures.
 *
 * <p>Why two kinds of failure: an <em>outage</em> (registry or storage unreachable, 5xx, 408, 429) says nothing
 * about the job, so it is never poison. The worker keeps its result and its place (consumption is paused because
 * the step blocks) and retries with a doubling backoff capped at {@code maxBackoff}:
 * <ul>
 *   <li>while it holds a lease, until the lease nears expiry (within {@code leaseMargin}); then it gives the
 *       delivery up without dead-lettering — the registry's lease sweep re-queues the job and emits its message
 *       again, and the registry's idempotent reports make sure the job still finishes once;</li>
 *   <li>before it holds one (the claim itself fails), for {@code outagePatience}: the job row is still queued and
 *       the message is the only copy of the work, so only an outage longer than that dead-letters it, where an
 *       operator replays it.</li>
 * </ul>
 * Anything else (a bug, a corrupt artifact) is retried {@code bugAttempts} times in all, then dead-lettered.
 */
public final class OutageRetry {

    /** What to do after a failure. */
    public enum Verdict {
        /** Wait {@link Decision#delay()} and try the same step again. */
        RETRY,
        /** The lease is about to expire during an outage: drop the delivery (acknowledge); the registry re-queues. */
        ABANDON,
        /** The message cannot succeed (or the outage outlasted the patience): send it to the dead-letter topic. */
        DEAD_LETTER
    }

    /**
     * @param verdict what to do
     * @param delay   how long to wait before the retry (zero unless {@link Verdict#RETRY})
     * @param reason  why, for the log and the dead-letter header
     */
    public record Decision(Verdict verdict, Duration delay, String reason) {
    }

    /**
     * @param initialBackoff wait after the first failure, doubled after each further one
     * @param maxBackoff     cap of the wait
     * @param leaseMargin    give up a leased job when less than this (plus the next wait) is left of its lease
     * @param outagePatience how long an unleased delivery rides out an outage before it is dead-lettered
     * @param bugAttempts    attempts in all for failures that are not an outage
     */
    public record Settings(Duration initialBackoff, Duration maxBackoff, Duration leaseMargin, Duration outagePatience,
                           int bugAttempts) {
        /** Checks the values. */
        public Settings {
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || leaseMargin.isNegative()
                    || outagePatience.isNegative() || bugAttempts < 1) {
                throw new IllegalArgumentException("invalid retry settings " + initialBackoff + ", " + maxBackoff
                        + ", " + leaseMargin + ", " + outagePatience + ", " + bugAttempts);
            }
        }
    }

    private final Settings settings;
    private int outageFailures;
    private int bugFailures;
    private Instant outageSince;

    /** @param settings the policy */
    public OutageRetry(Settings settings) {
        this.settings = settings;
    }

    /** @return the policy */
    public Settings settings() {
        return settings;
    }

    /**
     * Decides after a failed step.
     *
     * @param outage         whether the failure is an outage of a dependency (see {@link #isConnectionFailure})
     * @param what           the failure, for the reason
     * @param now            the current time
     * @param leaseExpiresAt when the delivery's lease expires as last confirmed by the registry; null before a claim
     * @return the decision
     */
    public Decision onFailure(boolean outage, String what, Instant now, Instant leaseExpiresAt) {
        if (!outage) {
            bugFailures++;
            if (bugFailures >= settings.bugAttempts()) {
                return new Decision(Verdict.DEAD_LETTER, Duration.ZERO,
                        "attempt " + bugFailures + "/" + settings.bugAttempts() + ": " + what);
            }
            return new Decision(Verdict.RETRY, backoff(bugFailures),
                    "attempt " + bugFailures + "/" + settings.bugAttempts() + ": " + what);
        }
        outageFailures++;
        if (outageSince == null) {
            outageSince = now;
        }
        Duration wait = backoff(outageFailures);
        Duration down = Duration.between(outageSince, now);
        if (leaseExpiresAt != null) {
            if (!now.plus(wait).plus(settings.leaseMargin()).isBefore(leaseExpiresAt)) {
                return new Decision(Verdict.ABANDON, Duration.ZERO, "outage for " + down.toMillis()
                        + " ms and the lease expires at " + leaseExpiresAt + ": " + what);
            }
            return new Decision(Verdict.RETRY, wait, "outage for " + down.toMillis() + " ms: " + what);
        }
        if (down.plus(wait).compareTo(settings.outagePatience()) > 0) {
            return new Decision(Verdict.DEAD_LETTER, Duration.ZERO, "dependency unreachable for " + down.toMillis()
                    + " ms (patience " + settings.outagePatience() + "): " + what);
        }
        return new Decision(Verdict.RETRY, wait, "outage for " + down.toMillis() + " ms: " + what);
    }

    /** A step succeeded: the next outage starts a fresh backoff (bug attempts keep counting). */
    public void onSuccess() {
        outageFailures = 0;
        outageSince = null;
    }

    /** @return the wait after the n-th consecutive failure (n ≥ 1) */
    Duration backoff(int failures) {
        Duration wait = settings.initialBackoff();
        for (int i = 1; i < failures && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    /**
     * Whether an HTTP status means "later", not "never": 5xx, 408 and 429.
     *
     * @param status HTTP status
     * @return true for a transient status
     */
    public static boolean isTransientStatus(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    /**
     * Whether a client-side failure is the peer being unreachable or silent, anywhere in the cause chain: a socket
     * error (refused, reset), a timeout, or the HTTP client's own connection errors (Vert.x and Netty throw these
     * without extending {@link IOException}). A plain {@link IOException} (a full disk, a checksum mismatch) is not.
     *
     * @param e the failure
     * @return true for a connection failure
     */
    public static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof InterruptedIOException || t instanceof UnknownHostException
                    || t instanceof HttpTimeoutException || t instanceof TimeoutException) {
                return true;
            }
            String type = t.getClass().getName();
            if (type.startsWith("io.vertx.") || type.startsWith("io.netty.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sleeps for the decision's wait.
     *
     * @param wait how long
     * @throws IllegalStateException when interrupted (the worker is shutting down; the delivery stays uncommitted)
     */
    public static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
