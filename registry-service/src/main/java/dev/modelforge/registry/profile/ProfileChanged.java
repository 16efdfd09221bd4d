package dev.modelforge.registry.profile;

/**
 * Fired inside the transaction that created, changed or deleted a device profile; caches of profile-derived answers
 * observe it after the commit.
 *
 * @param name the profile
 */
public record ProfileChanged(String name) {
}
