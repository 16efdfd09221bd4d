package dev.modelforge.registry.artifact;

import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.storage.ObjectStorage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Puts streams into content-addressed storage under {@code sha256/<hex>}, in one of three ways:
 * <ul>
 *   <li>The client declared the digest and identical bytes are already registered: the stream is hashed to
 *   verify it and nothing is written (dedupe without a second copy).</li>
 *   <li>The client declared the digest and nothing is stored under it: the bytes go straight to their final
 *   key (one conditional PUT, {@code If-None-Match: *}, under a per-digest writer lock) while being hashed; if
 *   they turn out not to match the declaration the object is deleted and the upload refused. No server-side
 *   copy.</li>
 *   <li>Otherwise (no declaration, unknown length, or an object under that key that nobody registered yet,
 *   e.g. a concurrent upload): the bytes go to {@code staging/<uuid>}, are copied server-side to the content
 *   address once their digest is known, and the staging object is deleted.</li>
 * </ul>
 * Nothing under {@code sha256/} is ever referenced by a row before its bytes were hashed end to end.
 * Registering the {@link Artifact} row is the caller's transaction; if that fails,
 * {@link #discardIfUnreferenced} removes what this upload created.
 */
@ApplicationScoped
public class ArtifactStore {
    private static final Logger LOG = Logger.getLogger(ArtifactStore.class);

    @Inject
    ObjectStorage storage;

    @Inject
    EntityManager em;

    private final ReentrantLock[] writers = new ReentrantLock[64];

    {
        for (int i = 0; i < writers.length; i++) {
            writers[i] = new ReentrantLock();
        }
    }

    /**
     * Streams {@code in} into storage.
     *
     * @param in        the bytes; read to the end, not closed
     * @param mediaType media type to store
     * @param maxBytes  size limit; passing it fails with 413
     * @return where the bytes are and whether this call created the object
     */
    public StoredBlob store(InputStream in, String mediaType, long maxBytes) {
        return store(in, -1, mediaType, maxBytes, null);
    }

    /**
     * Streams {@code in} into storage; with a known {@code length} (Content-Length, file size) the bytes go up
     * as one streamed PUT, the fast path.
     *
     * @param length expected length, or -1 if unknown; a body that ends early or runs long fails the upload
     */
    public StoredBlob store(InputStream in, long length, String mediaType, long maxBytes) {
        return store(in, length, mediaType, maxBytes, null);
    }

    /**
     * Streams {@code in} into storage, using the client's declared digest (if any) to skip the staging copy.
     *
     * @param declaredSha256 lower-case hex SHA-256 the client declared, or null
     * @throws dev.modelforge.registry.error.ProblemException 400 digest-mismatch if the bytes do not match the
     *         declaration (then nothing this call wrote remains)
     */
    public StoredBlob store(InputStream in, long length, String mediaType, long maxBytes, String declaredSha256) {
        var hashing = new HashingLimitStream(in, maxBytes);
        if (declaredSha256 == null) {
            return stageAndPublish(hashing, length, mediaType, null);
        }
        String key = Artifact.keyFor(declaredSha256);
        if (isRegistered(declaredSha256) && storage.exists(key)) {
            drain(hashing, length);
            requireDeclared(declaredSha256, hashing.sha256Hex());
            return new StoredBlob(declaredSha256, hashing.count(), mediaType, false, null);
        }
        ReentrantLock writer = writerLock(declaredSha256);
        if (!ObjectStorage.singlePutPossible(length) || !writer.tryLock()) {
            return stageAndPublish(hashing, length, mediaType, declaredSha256);
        }
        try {
            if (storage.exists(key)) {
                writer.unlock();
                return stageAndPublish(hashing, length, mediaType, declaredSha256);
            }
            UUID claim = claim(declaredSha256);
            boolean created;
            try {
                created = storage.putStreamIfAbsent(key, hashing, length, mediaType);
            } catch (RuntimeException e) {
                releaseClaim(claim);
                throw hashing.failure() != null ? hashing.failure() : e;
            }
            if (!created) {
                releaseClaim(claim);
                throw ProblemException.concurrentUpload(declaredSha256);
            }
            String actual = hashing.sha256Hex();
            if (!actual.equals(declaredSha256)) {
                removeQuietly(key); // created by this call and never registered
                releaseClaim(claim);
                throw ProblemException.digestMismatch(declaredSha256, actual);
            }
            return new StoredBlob(actual, hashing.count(), mediaType, true, claim);
        } finally {
            if (writer.isHeldByCurrentThread()) {
                writer.unlock();
            }
        }
    }

    /**
     * Serialises, within this registry, writes to one content address: an unverified direct PUT is never
     * concurrent with another write to, or a verified copy onto, the same key. Across replicas the
     * conditional PUT does that on stores that honour {@code If-None-Match} (S3, MinIO; s3proxy 2.7 ignores
     * it, so the local stack relies on this lock and its single registry). Striped: a collision only sends an
     * upload down the staging path.
     */
    private ReentrantLock writerLock(String sha256) {
        return writers[Math.floorMod(sha256.hashCode(), writers.length)];
    }

    /**
     * The path without a usable declaration: stage, hash, then copy to the content address unless a row
     * already owns it. An unregistered object under that key (a concurrent upload, or a leftover) is replaced
     * by these verified bytes, never trusted.
     */
    private StoredBlob stageAndPublish(HashingLimitStream hashing, long length, String mediaType, String declared) {
        String staging = "staging/" + UUID.randomUUID();
        try {
            storage.putStream(staging, hashing, length, mediaType);
        } catch (RuntimeException e) {
            removeQuietly(staging);
            throw hashing.failure() != null ? hashing.failure() : e;
        }
        try {
            String sha = hashing.sha256Hex();
            if (declared != null) {
                requireDeclared(declared, sha);
            }
            String key = Artifact.keyFor(sha);
            boolean created = false;
            // Claimed before the object is checked or written: a failed upload of the same bytes now keeps it.
            UUID claim = claim(sha);
            ReentrantLock writer = writerLock(sha);
            writer.lock(); // waits for a direct PUT of the same digest to finish (or be removed)
            try {
                boolean exists = storage.exists(key);
                // A registered object found missing (lost, or removed by hand) is restored by these bytes.
                if (!isRegistered(sha) || !exists) {
                    created = !exists;
                    storage.copy(staging, key);
                }
            } catch (RuntimeException e) {
                releaseClaim(claim);
                throw e;
            } finally {
                writer.unlock();
            }
            return new StoredBlob(sha, hashing.count(), mediaType, created, claim);
        } finally {
            removeQuietly(staging);
        }
    }

    private static void requireDeclared(String declared, String actual) {
        if (!actual.equals(declared)) {
            throw ProblemException.digestMismatch(declared, actual);
        }
    }

    /** Reads to the end so hashing (and the signature tee) see every byte; storing them again is not needed. */
    private static void drain(HashingLimitStream in, long length) {
        byte[] buffer = new byte[1 << 20];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (length >= 0 && in.count() != length) {
            throw ProblemException.invalidRequest("the body has " + in.count() + " bytes, not its declared " + length);
        }
    }

    /** @return whether a committed row owns these bytes (so its object is verified and stays) */
    private static boolean isRegistered(String sha256) {
        return QuarkusTransaction.requiringNew().call(() -> Artifact.findById(sha256) != null);
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
        a.modelBytes = blob.sizeBytes();
        a.createdAt = Instant.now();
        a.persist();
        return a;
    }

    /**
     * Finds or inserts the row of a model directory's manifest, after the rows of its files; runs in the caller's
     * transaction.
     *
     * @param manifest the stored manifest JSON
     * @param files    path inside the directory → the stored file
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Artifact registerDirectory(StoredBlob manifest, java.util.Map<String, StoredBlob> files) {
        Artifact existing = Artifact.findById(manifest.sha256());
        if (existing != null) {
            return existing;
        }
        Artifact a = register(manifest);
        files.forEach((path, blob) -> {
            register(blob);
            a.files.add(new ArtifactFile(path, blob.sha256(), blob.sizeBytes()));
        });
        a.modelBytes = files.values().stream().mapToLong(StoredBlob::sizeBytes).sum();
        return a;
    }

    /**
     * Undoes {@link #store} after a failed registration: drops this upload's claim, then removes the object
     * if this upload created it and neither a committed row nor another in-flight upload's claim holds it.
     * Runs under the digest's lock, so a concurrent upload either claimed first (and the object stays) or
     * claims after the removal (and writes the object again).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void discardIfUnreferenced(StoredBlob blob) {
        if (blob == null) {
            return;
        }
        lockDigest(blob.sha256());
        deleteClaim(blob.claim());
        if (blob.newlyStored() && Artifact.findById(blob.sha256()) == null && claims(blob.sha256()) == 0) {
            removeQuietly(blob.storageKey());
        }
    }

    /** Drops the claim of a blob whose registration committed (its row holds the object from now on). */
    public void release(StoredBlob blob) {
        if (blob != null) {
            releaseClaim(blob.claim());
        }
    }

    private UUID claim(String sha256) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            lockDigest(sha256);
            em.createNativeQuery("insert into artifact_claim (id, sha256, claimed_at) values (:id, :sha, now())")
                    .setParameter("id", id).setParameter("sha", sha256).executeUpdate();
        });
        return id;
    }

    private void releaseClaim(UUID claim) {
        if (claim != null) {
            try {
                QuarkusTransaction.requiringNew().run(() -> deleteClaim(claim));
            } catch (RuntimeException e) {
                LOG.warnf("could not release claim %s (the collector expires it): %s", claim, e.getMessage());
            }
        }
    }

    private void deleteClaim(UUID claim) {
        if (claim != null) {
            em.createNativeQuery("delete from artifact_claim where id = :id").setParameter("id", claim).executeUpdate();
        }
    }

    long claims(String sha256) {
        return ((Number) em.createNativeQuery("select count(*) from artifact_claim where sha256 = :sha")
                .setParameter("sha", sha256).getSingleResult()).longValue();
    }

    /** Serialises claims and removals of one digest across transactions and replicas. */
    void lockDigest(String sha256) {
        em.createNativeQuery("select 1 from pg_advisory_xact_lock(hashtext(:k))")
                .setParameter("k", "modelforge-blob:" + sha256).getSingleResult();
    }

    /**
     * Removes what an upload wrote. During a storage outage the removal is retried in the background once the store
     * answers again, unless by then a row or another upload's claim holds the content address.
     */
    void removeQuietly(String key) {
        String prefix = Artifact.keyFor("");
        storage.removeEventually(key, () -> !key.startsWith(prefix) || unheld(key.substring(prefix.length())));
    }

    private boolean unheld(String sha256) {
        return !isRegistered(sha256) && QuarkusTransaction.requiringNew().call(() -> claims(sha256)) == 0;
    }
}
