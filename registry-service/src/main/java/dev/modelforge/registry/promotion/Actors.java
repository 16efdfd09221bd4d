package dev.modelforge.registry.promotion;

import io.quarkus.security.identity.SecurityIdentity;

/** How the audit log names the API key that acted. */
final class Actors {

    private Actors() {
    }

    static String of(SecurityIdentity identity) {
        Object id = identity.getAttribute("apiKeyId");
        String name = identity.getPrincipal().getName();
        return id == null ? name : name + " (" + id + ")";
    }
}
