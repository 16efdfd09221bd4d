package dev.modelforge.registry.promotion;

import dev.modelforge.api.benchmark.AccuracyMetrics;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.variant.VariantEntity;
import dev.modelforge.registry.version.ModelVersion;
import dev.modelforge.registry.version.SignatureDiff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the {@link ChampionGate} of a version's decision on a profile from the stored versions and results. */
@ApplicationScoped
public class ChampionGates {

    @Inject
    Candidates candidates;

    /**
     * The gate for {@code version}'s candidates against the variant serving the profile; none when nothing serves or
     * the champion is of this version or a newer one.
     */
    public ChampionGate of(ModelVersion version, String profile, VariantEntity champion) {
        if (champion == null || champion.version.version >= version.version) {
            return ChampionGate.none();
        }
        ModelVersion old = champion.version;
        String label = "v" + old.version + " " + champion.recipe.label() + " (" + champion.id + ")";
        List<String> approval = new ArrayList<>();
        List<String> changed = SignatureDiff.between(old.signature, version.signature);
        if (!changed.isEmpty()) {
            approval.add("v" + version.version + " changes the signature of the champion's v" + old.version + " ("
                    + String.join("; ", changed) + ")");
        }
        Double championAccuracy = null;
        Map<String, Double> labelled = new HashMap<>();
        if (version.eval == null || old.eval == null) {
            approval.add("accuracy cannot be compared with the champion: " + (version.eval == null && old.eval == null
                    ? "neither v" + old.version + " nor v" + version.version
                    : "v" + (version.eval == null ? version.version : old.version)) + " has an eval set");
        } else if (!version.eval.sha256.equals(old.eval.sha256)) {
            approval.add("accuracy cannot be compared with the champion: v" + version.version + " and v" + old.version
                    + " were evaluated on different eval sets (" + shortSha(version.eval) + " vs " + shortSha(old.eval)
                    + ")");
        } else {
            championAccuracy = labelled(candidates.latest(champion, profile)).orElse(null);
            if (championAccuracy == null) {
                approval.add("accuracy cannot be compared with the champion: its benchmark on this profile has no"
                        + " labelled accuracy on the shared eval set");
            } else {
                for (VariantEntity v : VariantEntity.listFor(version)) {
                    labelled(candidates.latest(v, profile)).ifPresent(a -> labelled.put(v.id.toString(), a));
                }
            }
        }
        return new ChampionGate(label, championAccuracy, labelled, approval);
    }

    /** Top-1 accuracy against labels, in percent; fidelity to a version's own baseline is not comparable across versions. */
    private static Optional<Double> labelled(Optional<BenchmarkResult> result) {
        return result.map(BenchmarkResult::accuracy).map(AccuracyMetrics::top1Accuracy).map(a -> a * 100);
    }

    private static String shortSha(Artifact a) {
        return "sha256 " + a.sha256.substring(0, 12) + "…";
    }
}
