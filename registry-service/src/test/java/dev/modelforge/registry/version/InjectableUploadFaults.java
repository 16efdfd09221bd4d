package dev.modelforge.registry.version;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test replacement of {@link UploadFaults}: fails the registration of one chosen model, after storage; and
 * can hold a chosen model's registration transaction (after its rows are written, before commit) until a
 * test releases it, to stage races between uploads.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class InjectableUploadFaults implements UploadFaults {
    public static final AtomicReference<String> FAIL_MODEL = new AtomicReference<>();
    /** Counted down when the model's registration reaches the fault point. */
    public static final Map<String, CountDownLatch> REACHED = new ConcurrentHashMap<>();
    /** Awaited (up to a minute) at the fault point before failing or committing. */
    public static final Map<String, CountDownLatch> HOLD = new ConcurrentHashMap<>();

    @Override
    public void beforeCommit(String modelName, String sha256) {
        CountDownLatch reached = REACHED.get(modelName);
        if (reached != null) {
            reached.countDown();
        }
        CountDownLatch hold = HOLD.get(modelName);
        if (hold != null) {
            try {
                hold.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (modelName.equals(FAIL_MODEL.get())) {
            throw new IllegalStateException("injected failure after the storage write, before commit");
        }
    }
}
