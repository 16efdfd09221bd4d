package dev.modelforge.registry.planner;

import dev.modelforge.api.job.CompressionJobMessage;
import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.api.job.StoredObject;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.version.VersionStatus;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.events.Outbox;
import dev.modelforge.registry.job.CompressionJobEntity;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.variant.VariantService;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Turns a model version into work: the baseline variant (the original, registered directly) and one compression
 * job per distinct recipe (name + parameters) across the given profiles. Jobs are published on
 * {@code modelforge.compression-jobs} through the outbox, in the caller's transaction, so a version exists with its
 * jobs and their messages, or not at all.
 */
@ApplicationScoped
public class Planner {

    @Inject
    DeviceProfileService profiles;

    @Inject
    VariantService variants;

    @Inject
    VersionStatusTracker tracker;

    @Inject
    Outbox outbox;

    @Inject
    PlannerConfig config;

    /** Counts of one planning run. */
    public record PlanResult(int jobsCreated, int jobsReused) {
    }

    /** Plans a freshly uploaded version for every active profile. */
    @Transactional(Transactional.TxType.MANDATORY)
    public PlanResult planNewVersion(ModelVersion version) {
        return plan(version, profiles.active());
    }

    /** Plans {@code profile}'s recipes for every version that is not archived. */
    @Transactional
    public BackfillResult backfill(DeviceProfile profile) {
        if (!profile.active()) {
            throw new ProblemException(422, PipelineProblemTypes.DEVICE_PROFILE_INVALID, "Invalid device profile",
                    "device profile '" + profile.name() + "' is inactive; set \"active\": true before a backfill");
        }
        List<ModelVersion> versions = ModelVersion.list("status <> ?1 order by id", VersionStatus.ARCHIVED);
        int created = 0;
        int reused = 0;
        for (ModelVersion version : versions) {
            PlanResult r = plan(version, List.of(profile));
            created += r.jobsCreated();
            reused += r.jobsReused();
        }
        return new BackfillResult(profile.name(), versions.size(), created, reused);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    PlanResult plan(ModelVersion version, Collection<DeviceProfile> targets) {
        TreeSet<String> allNames = new TreeSet<>();
        Map<String, RecipeRef> recipes = new LinkedHashMap<>();
        Map<String, TreeSet<String>> servedBy = new LinkedHashMap<>();
        for (DeviceProfile p : targets) {
            allNames.add(p.name());
            for (RecipeRef r : p.recipes()) {
                if (r.isBaseline()) {
                    continue;
                }
                recipes.putIfAbsent(r.hash(), r);
                servedBy.computeIfAbsent(r.hash(), h -> new TreeSet<>()).add(p.name());
            }
        }
        // Every profile compares against the measured original, so the baseline serves all of them.
        variants.ensureBaseline(version, allNames);

        int created = 0;
        int reused = 0;
        for (Map.Entry<String, RecipeRef> e : recipes.entrySet()) {
            TreeSet<String> names = servedBy.get(e.getKey());
            var existing = CompressionJobEntity.findFor(version, e.getKey());
            if (existing.isPresent()) {
                CompressionJobEntity job = existing.get();
                TreeSet<String> merged = new TreeSet<>(job.profiles);
                merged.addAll(names);
                job.profiles = List.copyOf(merged);
                for (VariantEntity v : VariantEntity.listForRecipe(version, e.getKey())) {
                    variants.addProfiles(v, names);
                }
                reused++;
            } else {
                createJob(version, e.getValue(), names);
                created++;
            }
        }
        tracker.update(version);
        return new PlanResult(created, reused);
    }

    private void createJob(ModelVersion version, RecipeRef recipe, Collection<String> profileNames) {
        Instant now = Instant.now();
        CompressionJobEntity job = new CompressionJobEntity();
        job.id = UUID.randomUUID();
        job.version = version;
        job.recipe = recipe;
        job.recipeHash = recipe.hash();
        job.profiles = new ArrayList<>(profileNames);
        job.queued(now);
        job.persist();
        emit(job);
    }

    /**
     * Puts {@code job}'s message on the compression-jobs topic (through the outbox, in the caller's transaction):
     * when the job is planned, and again when an expired lease gives it back to the queue.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void emit(CompressionJobEntity job) {
        ModelVersion version = job.version;
        RecipeRef recipe = job.recipe;
        List<String> profileNames = job.profiles;
        String modelId = String.valueOf(version.model.id);
        String key = config.jobKey() == PlannerConfig.JobKey.JOB ? job.id.toString() : modelId;
        outbox.record("model", modelId, CompressionJobMessage.EVENT_TYPE, CompressionJobMessage.TOPIC, key,
                new CompressionJobMessage(job.id.toString(), modelId, version.model.name,
                        String.valueOf(version.id), version.version, recipe, job.recipeHash,
                        stored(version.artifact), stored(version.calibration), stored(version.eval),
                        List.copyOf(profileNames)));
    }

    private static StoredObject stored(Artifact a) {
        return a == null ? null : a.toStoredObject();
    }
}
