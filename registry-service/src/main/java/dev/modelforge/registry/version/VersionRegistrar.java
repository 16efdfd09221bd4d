package dev.modelforge.registry.version;

import dev.modelforge.api.event.EventTypes;
import dev.modelforge.api.event.ModelVersionEvent;
import dev.modelforge.api.event.Topics;
import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.api.version.SignatureDto;
import dev.modelforge.api.version.SourceMetadata;
import dev.modelforge.api.version.VersionStatus;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.artifact.ArtifactStore;
import dev.modelforge.registry.artifact.StoredBlob;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.events.Outbox;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.model.ModelService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.time.Instant;
import java.util.Optional;

/**
 * The database half of an upload and of archiving: rows and outbox event in one transaction, so either
 * the version exists and its event will be published, or neither.
 */
@ApplicationScoped
public class VersionRegistrar {
    static final String AGGREGATE = "model";

    @Inject
    ModelService models;

    @Inject
    ArtifactStore artifacts;

    @Inject
    Outbox outbox;

    @Inject
    UploadFaults faults;

    @Inject
    EntityManager em;

    /** Observed by the compression planner (issue 5); synchronous, so it runs in this transaction. */
    @Inject
    jakarta.enterprise.event.Event<VersionCreated> versionCreated;

    /** Registers stored blobs as the model's next version (creating the model if needed). */
    @Transactional
    public UploadOutcome register(String modelName, StoredBlob model, StoredBlob eval, StoredBlob calibration,
                                  SignatureDto signature, SourceMetadata source, String idempotencyKey,
                                  Uploader uploader) {
        return register(modelName, model, null, eval, calibration, signature, source, idempotencyKey, uploader);
    }

    /**
     * Registers stored blobs as the model's next version; {@code files} (path → blob) makes {@code model} a model
     * directory's manifest, null a single file.
     */
    @Transactional
    public UploadOutcome register(String modelName, StoredBlob model, java.util.Map<String, StoredBlob> files,
                                  StoredBlob eval, StoredBlob calibration, SignatureDto signature,
                                  SourceMetadata source, String idempotencyKey, Uploader uploader) {
        Model m = models.lockOrCreate(modelName, uploader.actor());
        if (idempotencyKey != null) {
            Optional<ModelVersion> previous = ModelVersion.findByIdempotencyKey(m, idempotencyKey);
            if (previous.isPresent()) {
                ModelVersion p = previous.get();
                if (!p.artifact.sha256.equals(model.sha256())) {
                    throw ProblemException.idempotencyConflict(idempotencyKey, p.version);
                }
                return new UploadOutcome(p.toDto(), false);
            }
        }
        if (!uploader.allowSignatureChange()) {
            requireSameSignature(m, signature);
        }
        var v = new ModelVersion();
        v.model = m;
        v.version = ModelVersion.latestNumber(m) + 1;
        v.status = VersionStatus.UPLOADED;
        v.artifact = files == null ? artifacts.register(model) : artifacts.registerDirectory(model, files);
        v.eval = eval == null ? null : artifacts.register(eval);
        v.calibration = calibration == null ? null : artifacts.register(calibration);
        v.signature = signature;
        v.source = source == null ? SourceMetadata.empty() : source;
        v.idempotencyKey = idempotencyKey;
        v.createdBy = uploader.actor().id();
        v.createdAt = Instant.now();
        v.persist();
        m.updatedAt = v.createdAt;
        recordEvent(v, EventTypes.MODEL_VERSION_UPLOADED, v.createdAt);
        versionCreated.fire(new VersionCreated(v.id));
        faults.beforeCommit(modelName, model.sha256());
        return new UploadOutcome(v.toDto(), true);
    }

    /**
     * Archives a version; archiving an archived version changes nothing and emits nothing. A version that serves a
     * device profile is refused (409 naming the profiles): an archived version is never served, and silently rolling
     * back would pick a replacement nobody chose. Promotions lock the model row too, so none can slip in between.
     */
    @Transactional
    public ModelVersion archive(String modelName, int version, Actor actor) {
        Model m = Model.lockByName(modelName).orElseThrow(() -> ProblemException.modelNotFound(modelName));
        ModelVersion v = ModelVersion.findVersion(m, version)
                .orElseThrow(() -> ProblemException.versionNotFound(modelName, version));
        if (v.status != VersionStatus.ARCHIVED) {
            List<String> serving = servingProfiles(v);
            if (!serving.isEmpty()) {
                throw serving(modelName, "version " + version + " of '" + modelName + "' serves " + serving);
            }
            markArchived(v, actor);
        }
        return v;
    }

    /**
     * Archives every version of the model (the model itself stays, with its audit log; a later upload starts a new
     * version). Refused as a whole (409) while any of its versions serves a profile.
     */
    @Transactional
    public List<ModelVersion> archiveAll(String modelName, Actor actor) {
        Model m = Model.lockByName(modelName).orElseThrow(() -> ProblemException.modelNotFound(modelName));
        List<ModelVersion> active = ModelVersion.listFor(m, false);
        List<String> serving = new java.util.ArrayList<>();
        for (ModelVersion v : active) {
            List<String> profiles = servingProfiles(v);
            if (!profiles.isEmpty()) {
                serving.add("version " + v.version + " serves " + profiles);
            }
        }
        if (!serving.isEmpty()) {
            throw serving(modelName, "model '" + modelName + "': " + String.join(", ", serving));
        }
        active.forEach(v -> markArchived(v, actor));
        return active;
    }

    private void markArchived(ModelVersion v, Actor actor) {
        v.status = VersionStatus.ARCHIVED;
        v.archivedAt = Instant.now();
        v.archivedBy = actor.id();
        recordEvent(v, EventTypes.MODEL_VERSION_ARCHIVED, v.archivedAt);
    }

    private static ProblemException serving(String modelName, String what) {
        return new ProblemException(409, ProblemTypes.VERSION_SERVING, "Version is serving", what
                + "; promote another variant or roll back on those profiles first (POST /api/v1/models/" + modelName
                + "/promotions[/rollback]), then archive");
    }

    /** The device profiles whose serving variant (latest effective promotion) belongs to the version. */
    @SuppressWarnings("unchecked")
    private List<String> servingProfiles(ModelVersion v) {
        return em.createNativeQuery("""
                select cur.profile from (
                    select distinct on (p.profile) p.profile, p.variant_id from promotion p
                    where p.model_id = :model and p.effective_at is not null
                    order by p.profile, p.effective_at desc, p.seq desc) cur
                join variant va on va.id = cur.variant_id
                join device_profile dp on dp.name = cur.profile
                where va.version_id = :version order by cur.profile""")
                .setParameter("model", v.model.id).setParameter("version", v.id).getResultList();
    }

    /**
     * A new version must keep the inputs/outputs of the model's latest (not archived) version, unless the upload says
     * the change is intended: callers built for one signature cannot feed another.
     */
    private void requireSameSignature(Model m, SignatureDto signature) {
        Optional<ModelVersion> latest = ModelVersion.latestActive(m);
        if (latest.isEmpty()) {
            return;
        }
        List<String> differences = SignatureDiff.between(latest.get().signature, signature);
        if (!differences.isEmpty()) {
            throw new ProblemException(409, ProblemTypes.SIGNATURE_CHANGED, "Signature changed",
                    "this version's inputs/outputs differ from version " + latest.get().version + " of '" + m.name
                            + "': " + String.join("; ", differences) + ". If the change is intended, upload with "
                            + "allowSignatureChange=true (CLI: --allow-signature-change); it will then not replace a"
                            + " champion of the old signature without a promoter's approval");
        }
    }

    private void recordEvent(ModelVersion v, String type, Instant at) {
        var payload = new ModelVersionEvent(v.model.id, v.model.name, v.version, v.artifact.sha256,
                v.artifact.sizeBytes, v.signature, dto(v.eval), dto(v.calibration), v.status, at);
        String id = v.model.id.toString();
        outbox.record(AGGREGATE, id, type, Topics.MODEL_VERSIONS, id, payload);
    }

    private static dev.modelforge.api.version.ArtifactDto dto(Artifact a) {
        return a == null ? null : a.toDto();
    }
}
