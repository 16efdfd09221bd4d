package dev.modelforge.registry.error;

import dev.modelforge.registry.storage.ObjectStorage;

/**
 * Whether a failure is a dependency outage (the database or object storage unreachable or stalled) rather than a bug
 * or a refused request: what callers that can fall back on a last known answer (stale-if-error) need to tell apart.
 */
public final class Outages {
    private Outages() {
    }

    /** @return true if {@code e} or one of its causes says the database or object storage could not be reached */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ObjectStorage.StorageException) {
                return true;
            }
        }
        return DatabaseOutage.in(e);
    }
}
