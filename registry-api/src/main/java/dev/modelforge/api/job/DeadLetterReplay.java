package dev.modelforge.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;
import java.util.Locale;

/**
 * What replaying a job dead-letter topic did. A replay re-queues each dead-lettered job through the registry's job
 * state (fresh lease attempts, its message emitted again through the outbox) rather than copying the record back
 * onto the job topic: a job the registry already marked dead or failed would refuse a bare redelivery, and a job that
 * finished meanwhile, or is leased to a live worker, must not run twice.
 *
 * @param topic   the dead-letter topic read
 * @param records records read
 * @param jobs    one entry per distinct job (the last record wins), in topic order
 */
public record DeadLetterReplay(String topic, int records, List<JobReplay> jobs) {

    /** How many jobs were put back on the queue. */
    public long requeued() {
        return jobs.stream().filter(j -> j.outcome() == Outcome.REQUEUED).count();
    }

    /**
     * @param jobId   the job (null for an unreadable record)
     * @param outcome what the replay did with it
     * @param detail  a sentence for the operator
     */
    public record JobReplay(String jobId, Outcome outcome, String detail) {
    }

    /** What a replay did with one dead-lettered job. */
    public enum Outcome {
        /** Put back on the queue; a worker will claim it. */
        REQUEUED,
        /** Left alone: it succeeded since (a redelivery finished it). */
        ALREADY_SUCCEEDED,
        /** Left alone: a live worker holds its lease. */
        LEASED,
        /** The registry has no such job (deleted with its version, or another registry's). */
        UNKNOWN_JOB,
        /** The record is not a job message; nothing can replay it. */
        UNREADABLE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static Outcome fromWireName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }
}
