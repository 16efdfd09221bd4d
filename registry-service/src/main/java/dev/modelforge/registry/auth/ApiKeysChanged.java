package dev.modelforge.registry.auth;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Fired inside a transaction that created an API key; after its commit this replica adds it to its key table at once
 * (other replicas see it through the change counter).
 *
 * @param keyHash  the new key's hash
 * @param identity  what it authenticates as
 * @param expiresAt when it stops working, or null
 */
public record ApiKeysChanged(String keyHash, SecurityIdentity identity, java.time.Instant expiresAt) {
}
