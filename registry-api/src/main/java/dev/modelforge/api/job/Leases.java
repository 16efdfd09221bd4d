package dev.modelforge.api.job;

/**
 * The lease contract between the registry and its workers, for compression jobs and benchmark jobs alike.
 *
 * <ul>
 *   <li>{@code claim} (compression) or {@code start} (benchmark) grants a lease: the answer carries the token in
 *       {@link #TOKEN_HEADER} and the expiry (an ISO-8601 instant) in {@link #EXPIRES_HEADER}. Only a job that is
 *       queued, or whose lease has expired, can be claimed; a live lease answers 409 {@link #LEASE_HELD}.</li>
 *   <li>Every later report — progress, heartbeat, failure, variant registration, benchmark result — sends the
 *       token back in {@link #TOKEN_HEADER}, with the same API key that claimed. A missing, wrong or expired
 *       token, or another key, answers 409 {@link #LEASE_LOST}: the worker stops and drops the delivery.</li>
 *   <li>Progress (compression) and heartbeat (benchmark) extend the lease by its full duration and answer the
 *       new expiry in {@link #EXPIRES_HEADER}; a worker heartbeats well within the lease (a third of it).</li>
 *   <li>A lease that expires puts the job back on its queue (the job message is emitted again) until the job has
 *       been claimed the registry's maximum number of times; then it fails with the reason.</li>
 * </ul>
 */
public final class Leases {
    /** Request and response header carrying the lease token. */
    public static final String TOKEN_HEADER = "X-Lease-Token";
    /** Response header carrying the lease's expiry as an ISO-8601 instant. */
    public static final String EXPIRES_HEADER = "X-Lease-Expires";
    /** 409: the caller does not hold the job's lease (missing, wrong or expired token, or another key). */
    public static final String LEASE_LOST = PipelineProblemTypes.LEASE_LOST;
    /** 409: another worker holds a live lease on the job; drop this delivery. */
    public static final String LEASE_HELD = PipelineProblemTypes.LEASE_HELD;

    private Leases() {
    }
}
