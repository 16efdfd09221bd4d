package dev.modelforge.api.version;

import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle of a model version. */
public enum VersionStatus {
    /** Stored and registered; nothing has processed it yet. */
    UPLOADED,
    /** Compression jobs are running. */
    COMPRESSING,
    /** Variants are being measured. */
    BENCHMARKING,
    /** All variants measured. */
    READY,
    /** Processing failed. */
    FAILED,
    /** Withdrawn by a user; kept for audit and hidden from default listings. */
    ARCHIVED;

    /** @return the lower-case wire name */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
