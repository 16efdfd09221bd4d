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

    private Roles() {
    }

    /**
     * The security roles a key with {@code role} holds: its own and every lower one, so a resource names
     * only the least role it needs.
     */
    public static Set<String> granted(Role role) {
        return EnumSet.allOf(Role.class).stream().filter(role::includes).map(Role::wireName)
                .collect(Collectors.toUnmodifiableSet());
    }
}
