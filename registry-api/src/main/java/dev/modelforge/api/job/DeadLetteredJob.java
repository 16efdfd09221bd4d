package dev.modelforge.api.job;

import java.time.Instant;

/**
 * One record of a job dead-letter topic ({@code modelforge.compression-jobs.dlq},
 * {@code modelforge.benchmark-jobs.dlq}) with the job's current state in the registry, so an operator sees at a
 * glance which dead letters a replay would re-queue.
 *
 * @param topic          the dead-letter topic
 * @param partition      its partition
 * @param offset         the record's offset there
 * @param jobId          the job the message carries (null when the message is unreadable)
 * @param reason         why the worker gave up (the {@code dead-letter-reason} header), may be null
 * @param deadLetteredAt when the record was written
 * @param jobStatus      the job's status now (null when the registry does not know the job)
 */
public record DeadLetteredJob(String topic, int partition, long offset, String jobId, String reason,
                              Instant deadLetteredAt, JobStatus jobStatus) {
}
