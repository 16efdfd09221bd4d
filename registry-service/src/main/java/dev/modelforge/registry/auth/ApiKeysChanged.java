package dev.modelforge.registry.auth;

/** Fired inside a transaction that wrote an API key; after its commit this replica re-reads its key table. */
public record ApiKeysChanged() {
}
