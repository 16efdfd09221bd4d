package dev.modelforge.registry.auth;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who makes a request, as the audit log and the ownership guard see it: the API key's id (never its name, which an
 * admin can give to another key once this one is revoked) and the team it acts for.
 *
 * @param keyId the key's id
 * @param team  the team it acts for
 * @param admin whether it holds the admin role (owns everything)
 */
public record Actor(long keyId, String team, boolean admin) {

    /** Identity attribute holding the key id. */
    public static final String KEY_ID = "apiKeyId";
    /** Identity attribute holding the key's team. */
    public static final String TEAM = "team";

    /** The caller of the current request; it must be authenticated (every mutating route has @RolesAllowed). */
    public static Actor of(SecurityIdentity identity) {
        Object id = identity.getAttribute(KEY_ID);
        if (!(id instanceof Long keyId)) {
            throw new IllegalStateException("no API key behind this request");
        }
        Object team = identity.getAttribute(TEAM);
        return new Actor(keyId, team == null ? keyRef(keyId) : team.toString(), identity.hasRole(Roles.ADMIN));
    }

    /** How records name this actor: {@code key:<id>}. */
    public String id() {
        return keyRef(keyId);
    }

    /** {@code key:<id>}: the audit name of a key, and the team of a key created without one. */
    public static String keyRef(long keyId) {
        return "key:" + keyId;
    }
}
