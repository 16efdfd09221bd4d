package dev.modelforge.registry.auth;

import dev.modelforge.api.auth.Role;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Role names as compile-time constants for {@code @RolesAllowed}, and the role hierarchy. */
public final class Roles {
    public static final String READER = "reader";
    public static final String UPLOADER = "uploader";
    public static final String PROMOTER = "promoter";
    public static final String ADMIN = "admin";
    /** Compression and benchmark workers; no human or CI role includes it (admin does). */
    public static final String WORKER = "worker";

    private Roles() {
    }

    /**
     * The security roles a key with {@code role} holds: its own and every role it includes
     * ({@link Role#includes}), so a resource names only the least role it needs.
     */
    public static Set<String> granted(Role role) {
        return EnumSet.allOf(Role.class).stream().filter(role::includes).map(Role::wireName)
                .collect(Collectors.toUnmodifiableSet());
    }
}
