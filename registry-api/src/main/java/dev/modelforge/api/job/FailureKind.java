package dev.modelforge.api.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Why a worker reports a failure, which decides the job's next status. */
public enum FailureKind {
    /** A transient error; the worker will retry, the job stays {@link JobStatus#RUNNING} with the error recorded. */
    RETRYING,
    /** The recipe refused the model (nothing to quantize, validation failed): {@link JobStatus#FAILED}, no retry. */
    REFUSED,
    /** Retries exhausted, message sent to the dead-letter topic: {@link JobStatus#DEAD}. */
    DEAD;

    /** The lower-case JSON name. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON name, case-insensitively. */
    @JsonCreator
    public static FailureKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
