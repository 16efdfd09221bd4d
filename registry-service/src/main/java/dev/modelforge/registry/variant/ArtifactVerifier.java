package dev.modelforge.registry.variant;

import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.storage.ObjectStorage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;


/**
 * Checks a worker's claim about the bytes it stored before the registry records them as a variant: the object is
 * there (HEAD), has the stated size, and its content hashes to the stated sha256 (read back streaming, never held in
 * memory). Bytes the registry already knows as an artifact (it hashed them itself, or verified them before) are only
 * compared by size. Runs outside any transaction: hashing a large variant takes seconds, and no row lock is held
 * meanwhile.
 */
@ApplicationScoped
public class ArtifactVerifier {

    private static final Logger LOG = Logger.getLogger(ArtifactVerifier.class);

    @Inject
    ObjectStorage storage;

    @Inject
    dev.modelforge.registry.version.UploadConfig uploads;

    /** @throws ProblemException 422 {@code artifact-mismatch} when storage does not hold what the worker claims */
    public void verify(StoredObject stored) {
        if (stored != null && stored.isDirectory()) {
            verifyDirectory(stored);
            return;
        }
        if (stored == null || stored.sha256() == null || !stored.sha256().matches("[0-9a-f]{64}")
                || stored.sizeBytes() <= 0) {
            throw VariantService.invalidReport("artifact needs a lower-case hex sha256 and a positive size");
        }
        String key = Artifact.keyFor(stored.sha256());
        if (stored.storageKey() != null && !stored.storageKey().equals(key)) {
            throw VariantService.invalidReport("variant bytes must be stored content-addressed at '" + key + "'");
        }
        Long knownSize = QuarkusTransaction.requiringNew().call(() -> {
            Artifact known = Artifact.findById(stored.sha256());
            return known == null ? null : known.sizeBytes;
        });
        if (knownSize != null) {
            if (knownSize != stored.sizeBytes()) {
                throw mismatch("artifact " + stored.sha256() + " is known with size " + knownSize + ", not "
                        + stored.sizeBytes());
            }
            return;
        }
        long size = storage.sizeOf(key).orElseThrow(() -> mismatch("no object at '" + key
                + "': upload the variant before registering it"));
        if (size != stored.sizeBytes()) {
            throw mismatch("the object at '" + key + "' has " + size + " bytes, not the stated " + stored.sizeBytes());
        }
        String actual = storage.sha256Of(key);
        if (!actual.equals(stored.sha256())) {
            // Wrong bytes under a content address would poison every later upload of the real bytes (stores skip
            // keys that exist), and nothing refers to them: remove them.
            LOG.warnf("object %s hashes to %s; removing it", key, actual);
            storage.remove(key);
            throw mismatch("the object at '" + key + "' hashes to " + actual + "; it was removed");
        }
    }

    /**
     * A model directory: the listing must be a valid one (model.onnx, safe canonical paths, at most
     * {@code modelforge.upload.max-directory-files}) and every file is verified as a single object.
     */
    private void verifyDirectory(StoredObject stored) {
        var sorted = stored.files().stream().sorted(java.util.Comparator.comparing(
                f -> f.path() == null ? "" : f.path())).toList();
        String problem = dev.modelforge.registry.artifact.Manifests.problem(sorted);
        if (problem != null) {
            throw VariantService.invalidReport("model directory: " + problem);
        }
        if (sorted.size() > uploads.maxDirectoryFiles()) {
            throw VariantService.invalidReport("model directory has more than " + uploads.maxDirectoryFiles()
                    + " files");
        }
        for (var f : sorted) {
            verify(new StoredObject(f.storageKey(), f.sha256(), f.sizeBytes()));
        }
    }

    private static ProblemException mismatch(String detail) {
        return new ProblemException(422, PipelineProblemTypes.ARTIFACT_MISMATCH, "Artifact does not match the claim",
                detail);
    }
}
