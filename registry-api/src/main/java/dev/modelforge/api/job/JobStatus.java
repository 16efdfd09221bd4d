package dev.modelforge.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Lifecycle of a compression job. */
public enum JobStatus {
    /** Planned and published, no worker has claimed it yet. */
    QUEUED,
    /** A worker claimed it (possibly again, after a crash or a retryable error). */
    RUNNING,
    /** The variant is registered. */
    SUCCEEDED,
    /** The recipe refused or the output did not validate; retrying would not help. */
    FAILED,
    /** Retries were exhausted; the message went to the dead-letter topic. */
    DEAD;

    /** Whether no worker may change the job any more. */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == DEAD;
    }

    /** The lower-case JSON name. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON name, case-insensitively. */
    @JsonCreator
    public static JobStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
