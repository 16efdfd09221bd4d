package dev.modelforge.registry.variant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.variant.VariantCreatedEvent;
import dev.modelforge.api.version.MediaTypes;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.artifact.ArtifactStore;
import dev.modelforge.registry.artifact.StoredBlob;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.events.Outbox;
import dev.modelforge.registry.storage.ObjectStorage;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Registers variants. A variant is keyed by (version, recipe hash, tool version): registering it again returns the
 * existing row and emits nothing, so a redelivered job or a retried HTTP call ends with exactly one variant and one
 * {@code modelforge.variants} event.
 */
@ApplicationScoped
public class VariantService {

    /** Tool version recorded for the baseline, which no tool produced. */
    public static final String BASELINE_TOOL = "baseline";

    @Inject
    Outbox outbox;

    @Inject
    ObjectStorage storage;

    @Inject
    EntityManager em;

    /** Benchmark jobs hang on this (added by the benchmark/promotion helper). */
    @Inject
    jakarta.enterprise.event.Event<VariantCreated> variantCreated;

    @Inject
    jakarta.enterprise.event.Event<VariantProfilesAdded> profilesAdded;

    /** The baseline variant of {@code version} (its original artifact), created on first call. */
    @Transactional(Transactional.TxType.MANDATORY)
    public VariantEntity ensureBaseline(ModelVersion version, Collection<String> profiles) {
        RecipeRef baseline = RecipeRef.baseline();
        Optional<VariantEntity> existing = VariantEntity.findFor(version, baseline.hash(), BASELINE_TOOL);
        if (existing.isPresent()) {
            addProfiles(existing.get(), profiles);
            return existing.get();
        }
        return create(version, baseline, BASELINE_TOOL, version.artifact, null, profiles, null);
    }

    /**
     * Records the variant a worker produced for a job, or returns the one already recorded.
     *
     * @return the variant and whether this call created it
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Registered register(ModelVersion version, RecipeRef recipe, String toolVersion, StoredObject stored,
                               JsonNode report, Collection<String> profiles, UUID jobId) {
        return register(version, recipe, toolVersion, stored, null, report, profiles, jobId);
    }

    /**
     * As {@link #register(ModelVersion, RecipeRef, String, StoredObject, JsonNode, Collection, UUID)}; for a model
     * directory ({@code stored.files()} set, each file verified) {@code manifest} is its stored manifest.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Registered register(ModelVersion version, RecipeRef recipe, String toolVersion, StoredObject stored,
                               StoredBlob manifest, JsonNode report, Collection<String> profiles, UUID jobId) {
        Optional<VariantEntity> existing = VariantEntity.findFor(version, recipe.hash(), toolVersion);
        if (existing.isPresent()) {
            addProfiles(existing.get(), profiles);
            return new Registered(existing.get(), false);
        }
        Artifact artifact = manifest == null ? artifactFor(stored) : directoryFor(stored, manifest);
        return new Registered(create(version, recipe, toolVersion, artifact, report, profiles, jobId), true);
    }

    /** A registration's outcome. */
    public record Registered(VariantEntity variant, boolean created) {
    }

    /**
     * Adds profile names a backfill found for an existing variant. No Kafka event (the variant itself is unchanged),
     * but the profiles it did not serve before are announced in the transaction so they get benchmark jobs.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void addProfiles(VariantEntity variant, Collection<String> profiles) {
        TreeSet<String> added = new TreeSet<>(profiles);
        added.removeAll(variant.profiles);
        if (added.isEmpty()) {
            return;
        }
        TreeSet<String> merged = new TreeSet<>(variant.profiles);
        merged.addAll(added);
        variant.profiles = List.copyOf(merged);
        profilesAdded.fire(new VariantProfilesAdded(variant.id, List.copyOf(added)));
    }

    @Inject
    ArtifactStore artifacts;

    public Variant get(UUID id) {
        return VariantEntity.<VariantEntity>findByIdOptional(id).map(VariantEntity::toApi)
                .orElseThrow(() -> notFound(id.toString()));
    }

    public List<Variant> listFor(ModelVersion version) {
        return VariantEntity.listFor(version).stream().map(VariantEntity::toApi).toList();
    }

    public static ProblemException notFound(String id) {
        return new ProblemException(404, PipelineProblemTypes.VARIANT_NOT_FOUND, "Variant not found",
                "no variant with id '" + id + "'");
    }

    private VariantEntity create(ModelVersion version, RecipeRef recipe, String toolVersion, Artifact artifact,
                                 JsonNode report, Collection<String> profiles, UUID jobId) {
        VariantEntity v = new VariantEntity();
        v.id = UUID.randomUUID();
        v.version = version;
        v.recipe = recipe;
        v.recipeHash = recipe.hash();
        v.toolVersion = toolVersion;
        v.artifact = artifact;
        v.report = report;
        v.profiles = List.copyOf(new TreeSet<>(profiles));
        v.jobId = jobId;
        v.createdAt = Instant.now();
        v.persist();
        String modelId = String.valueOf(version.model.id);
        outbox.record("model", modelId, VariantCreatedEvent.EVENT_TYPE, VariantCreatedEvent.TOPIC, modelId,
                new VariantCreatedEvent(v.id.toString(), modelId, version.model.name, String.valueOf(version.id),
                        version.version, recipe, v.recipeHash, artifact.sha256, artifact.sizeBytes,
                        artifact.storageKey, v.profiles));
        variantCreated.fire(new VariantCreated(v.id));
        return v;
    }

    /**
     * The artifact row for bytes a worker stored. The worker must have written them to the content-addressed key;
     * the registry checks the object is there (it does not re-hash it: the worker hashed while uploading and the
     * key carries the digest, so a consumer verifies on download).
     */
    private Artifact artifactFor(StoredObject stored) {
        if (stored == null || stored.sha256() == null || !stored.sha256().matches("[0-9a-f]{64}")
                || stored.sizeBytes() <= 0) {
            throw invalidReport("artifact needs a lower-case hex sha256 and a positive size");
        }
        String key = Artifact.keyFor(stored.sha256());
        if (stored.storageKey() != null && !stored.storageKey().equals(key)) {
            throw invalidReport("variant bytes must be stored content-addressed at '" + key + "'");
        }
        Artifact existing = Artifact.findById(stored.sha256());
        if (existing != null) {
            if (existing.sizeBytes != stored.sizeBytes()) {
                throw invalidReport("artifact " + stored.sha256() + " is known with size " + existing.sizeBytes);
            }
            return existing;
        }
        if (!storage.exists(key)) {
            throw invalidReport("no object at '" + key + "': upload the variant before registering it");
        }
        // Another job may register identical bytes concurrently: insert-if-absent, then read whichever row won.
        em.createNativeQuery("insert into artifact (sha256, size_bytes, media_type, storage_key, created_at) "
                        + "values (?1, ?2, ?3, ?4, ?5) on conflict (sha256) do nothing")
                .setParameter(1, stored.sha256()).setParameter(2, stored.sizeBytes())
                .setParameter(3, MediaTypes.ONNX).setParameter(4, key).setParameter(5, Instant.now())
                .executeUpdate();
        return Artifact.findById(stored.sha256());
    }

    private Artifact directoryFor(StoredObject stored, StoredBlob manifest) {
        var files = new java.util.TreeMap<String, StoredBlob>();
        for (ManifestFile f : stored.files()) {
            String type = f.path().equals(ManifestFile.MODEL_FILE) ? MediaTypes.ONNX : MediaTypes.OCTET_STREAM;
            files.put(f.path(), new StoredBlob(f.sha256(), f.sizeBytes(), type, false, null));
        }
        return artifacts.registerDirectory(manifest, files);
    }

    static ProblemException invalidReport(String detail) {
        return new ProblemException(422, PipelineProblemTypes.JOB_REPORT_INVALID, "Invalid job report", detail);
    }
}
