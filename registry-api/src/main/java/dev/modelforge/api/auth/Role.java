package dev.modelforge.api.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** API key roles, ordered: each role includes every role before it. */
public enum Role {
    /** Read models, versions, artifacts. */
    READER,
    /** Create models and upload versions. */
    UPLOADER,
    /** Change lifecycle: archive versions, promote variants. */
    PROMOTER,
    /** Everything, including API key management. */
    ADMIN;

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
        throw new IllegalArgumentException("unknown role '" + value + "'; use reader, uploader, promoter or admin");
    }

    /**
     * @param other role required by an operation
     * @return true if this role may do what {@code other} may
     */
    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }
}
