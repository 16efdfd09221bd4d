package dev.modelforge.registry.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Ready only when the bucket answers. Readiness is open to anonymous callers (probes), so the answer carries no
 * data — no bucket, endpoint or error message; why storage is down goes to the log.
 */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(StorageReadinessCheck.class);

    @Inject
    ObjectStorage storage;

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("object-storage");
        try {
            boolean reachable = storage.bucketReachable();
            if (!reachable) {
                LOG.warn("readiness: the storage bucket does not exist");
            }
            return b.status(reachable).build();
        } catch (RuntimeException e) {
            LOG.warnf("readiness: object storage unreachable: %s", e.getMessage());
            return b.down().build();
        }
    }
}
