package dev.modelforge.registry.version;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** The production {@link UploadFaults}: none. Tests replace it with an alternative. */
@DefaultBean
@ApplicationScoped
public class NoUploadFaults implements UploadFaults {
    @Override
    public void beforeCommit(String modelName, String sha256) {
    }
}
