package dev.modelforge.api.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * API key roles. The human and CI roles are ordered — reader, uploader, promoter, each including the ones before
 * it; {@code worker} stands apart: it may read and do what only workers do (claim jobs, register variants, post
 * benchmark results), and no human or CI role includes it. {@code admin} includes every role.
 */
public enum Role {
    /** Read models, versions, artifacts. */
    READER,
    /** Create models and upload versions. */
    UPLOADER,
    /** Change lifecycle: archive versions, promote variants. */
    PROMOTER,
    /** Everything, including API key management. */
    ADMIN,
    /** A compression or benchmark worker: claims jobs, reports on them, registers variants and results. */
    WORKER;

    /** @return the lower-case wire name, also the security role name */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @param value e.g. {@code uploader}
     * @return the role
     * @throws IllegalArgumentException for an unknown name
     */
    @JsonCreator
    public static Role parse(String value) {
        for (Role r : values()) {
            if (r.wireName().equals(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + value + "'; use reader, uploader, promoter, admin or worker");
    }

    /**
     * @param other role required by an operation
     * @return true if this role may do what {@code other} may
     */
    public boolean includes(Role other) {
        if (this == ADMIN || this == other) {
            return true;
        }
        if (this == WORKER || other == WORKER) {
            return other == READER;
        }
        return compareTo(other) >= 0;
    }
}
