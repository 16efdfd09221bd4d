package dev.modelforge.registry.version;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.concurrent.atomic.AtomicReference;

/** Test replacement of {@link UploadFaults}: fails the registration of one chosen model, after storage. */
@Alternative
@Priority(1)
@ApplicationScoped
public class InjectableUploadFaults implements UploadFaults {
    public static final AtomicReference<String> FAIL_MODEL = new AtomicReference<>();

    @Override
    public void beforeCommit(String modelName, String sha256) {
        if (modelName.equals(FAIL_MODEL.get())) {
            throw new IllegalStateException("injected failure after the storage write, before commit");
        }
    }
}
