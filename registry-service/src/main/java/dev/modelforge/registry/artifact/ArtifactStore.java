package dev.modelforge.registry.artifact;

import dev.modelforge.registry.storage.ObjectStorage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.InputStream;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Puts streams into content-addressed storage: bytes go to {@code staging/<uuid>} while their SHA-256 is
 * computed, are then copied server-side to {@code sha256/<hex>} (skipped when identical bytes already
 * exist), and the staging object is deleted. Registering the {@link Artifact} row is the caller's
 * transaction; if that fails, {@link #discardIfUnreferenced} removes what this upload created.
 */
@ApplicationScoped
public class ArtifactStore {
    private static final Logger LOG = Logger.getLogger(ArtifactStore.class);

    @Inject
    ObjectStorage storage;

    /**
     * Streams {@code in} into storage.
     *
     * @param in        the bytes; read to the end, not closed
     * @param mediaType media type to store
     * @param maxBytes  size limit; passing it fails with 413
     * @return where the bytes are and whether this call created the object
     */
    public StoredBlob store(InputStream in, String mediaType, long maxBytes) {
        return store(in, -1, mediaType, maxBytes);
    }

    /**
     * Streams {@code in} into storage; with a known {@code length} (Content-Length, file size) the bytes go up
     * as one streamed PUT, the fast path.
     *
     * @param length expected length, or -1 if unknown; a body that ends early or runs long fails the upload
     */
    public StoredBlob store(InputStream in, long length, String mediaType, long maxBytes) {
        String staging = "staging/" + UUID.randomUUID();
        var hashing = new HashingLimitStream(in, maxBytes);
        try {
            storage.putStream(staging, hashing, length, mediaType);
        } catch (RuntimeException e) {
            removeQuietly(staging);
            throw hashing.failure() != null ? hashing.failure() : e;
        }
        try {
            String sha = hashing.sha256Hex();
            String key = Artifact.keyFor(sha);
            boolean created = !storage.exists(key);
            if (created) {
                storage.copy(staging, key);
            }
            return new StoredBlob(sha, hashing.count(), mediaType, created);
        } finally {
            removeQuietly(staging);
        }
    }

    /** Finds or inserts the row of {@code blob}; runs in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Artifact register(StoredBlob blob) {
        Artifact existing = Artifact.findById(blob.sha256());
        if (existing != null) {
            return existing;
        }
        var a = new Artifact();
        a.sha256 = blob.sha256();
        a.sizeBytes = blob.sizeBytes();
        a.mediaType = blob.mediaType();
        a.storageKey = blob.storageKey();
        a.createdAt = Instant.now();
        a.persist();
        return a;
    }

    /**
     * Undoes {@link #store} after a failed registration: removes the object if this upload created it and
     * no committed row references it (a concurrent upload of the same bytes may have registered it).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void discardIfUnreferenced(StoredBlob blob) {
        if (blob == null || !blob.newlyStored()) {
            return;
        }
        if (Artifact.findById(blob.sha256()) == null) {
            removeQuietly(blob.storageKey());
        }
    }

    private void removeQuietly(String key) {
        try {
            storage.remove(key);
        } catch (RuntimeException e) {
            LOG.warnf("could not remove %s: %s", key, e.getMessage());
        }
    }
}
