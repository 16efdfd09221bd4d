package dev.modelforge.registry.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the bucket answers; the datasource check comes from the Agroal extension. */
@Readiness
@ApplicationScoped
public class StorageReadinessCheck implements HealthCheck {
    @Inject
    ObjectStorage storage;

    @Inject
    StorageConfig config;

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("object-storage").withData("bucket", config.bucket());
        try {
            return b.status(storage.bucketReachable()).build();
        } catch (RuntimeException e) {
            return b.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
