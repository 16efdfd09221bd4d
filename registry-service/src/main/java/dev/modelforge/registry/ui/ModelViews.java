package dev.modelforge.registry.ui;

import dev.modelforge.api.model.ModelDto;
import dev.modelforge.api.model.PageDto;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.CandidateVerdict;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.promotion.PromotionOutcome;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.job.VersionJobsResource;
import dev.modelforge.registry.model.ModelResource;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.promotion.BestVariants;
import dev.modelforge.registry.promotion.PromotionEntity;
import dev.modelforge.registry.promotion.PromotionService;
import dev.modelforge.registry.ui.Views.Chart;
import dev.modelforge.registry.ui.Views.Chrome;
import dev.modelforge.registry.ui.Views.DeviceRow;
import dev.modelforge.registry.ui.Views.ModelRow;
import dev.modelforge.registry.ui.Views.ModelView;
import dev.modelforge.registry.ui.Views.ModelsView;
import dev.modelforge.registry.ui.Views.Option;
import dev.modelforge.registry.ui.Views.PromoteForm;
import dev.modelforge.registry.ui.Views.ServedCell;
import dev.modelforge.registry.ui.Views.TimelineRow;
import dev.modelforge.registry.version.ModelVersion;
import dev.modelforge.registry.version.VersionResource;
import dev.modelforge.api.version.VersionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the models list and the model page from the same resources and services the REST API answers with, so
 * the console shows exactly what {@code curl} would.
 */
@ApplicationScoped
public class ModelViews {

    @Inject
    ModelResource models;

    @Inject
    VersionResource versions;

    @Inject
    BestVariants best;

    @Inject
    PromotionService promotions;

    @Inject
    DeviceProfileService profiles;

    @Transactional
    public ModelsView list(Chrome chrome, String q, String tag) {
        PageDto<ModelDto> page = models.list(blankToNull(q), blankToNull(tag), 0, 200);
        List<String> active = profiles.active().stream().map(DeviceProfile::name).toList();
        List<ModelRow> rows = new ArrayList<>();
        List<String> names = page.items().stream().map(ModelDto::name).toList();
        Set<BestVariants.Pair> serving = servingPairs(names);
        serving.removeIf(p -> !active.contains(p.profile()));
        Map<BestVariants.Pair, BestVariants.Answer> served = best.byProfiles(serving);
        Map<String, String> statuses = latestStatuses(names);
        for (ModelDto m : page.items()) {
            String status = m.latestVersion() == 0 ? "no versions" : statuses.getOrDefault(m.name(), "—");
            List<ServedCell> cells = new ArrayList<>();
            for (String profile : active) {
                BestVariants.Answer answer = served.get(new BestVariants.Pair(m.name(), profile));
                cells.add(answer != null ? served(profile, answer)
                        : new ServedCell(profile, false, null, null, null,
                        "nothing promoted yet; the model page says why"));
            }
            rows.add(new ModelRow(m.name(), m.owner(), m.description(), m.tags(), m.latestVersion(), status, cells));
        }
        return new ModelsView(chrome, q == null ? "" : q, tag == null ? "" : tag, active, rows, page.total());
    }

    /**
     * The (model, profile) pairs that have an effective promotion, in one query for the whole page: the list asks the
     * best-variant query only where something serves, and leaves the costlier "why nothing" to the model page.
     */
    private static Set<BestVariants.Pair> servingPairs(List<String> models) {
        if (models.isEmpty()) {
            return new HashSet<>();
        }
        List<Object[]> pairs = PromotionEntity.getEntityManager().createQuery(
                        "select distinct p.model.name, p.profile from PromotionEntity p "
                                + "where p.model.name in :names and p.effectiveAt is not null", Object[].class)
                .setParameter("names", models).getResultList();
        Set<BestVariants.Pair> out = new HashSet<>();
        pairs.forEach(r -> out.add(new BestVariants.Pair((String) r[0], (String) r[1])));
        return out;
    }

    /** Each listed model's latest version status in one query (a version per model would load its artifacts). */
    private static Map<String, String> latestStatuses(List<String> models) {
        if (models.isEmpty()) {
            return Map.of();
        }
        List<Object[]> rows = ModelVersion.getEntityManager().createQuery(
                        "select v.model.name, v.status from ModelVersion v where v.model.name in :names and v.version = "
                                + "(select max(w.version) from ModelVersion w where w.model = v.model)", Object[].class)
                .setParameter("names", models).getResultList();
        Map<String, String> out = new HashMap<>();
        rows.forEach(r -> out.put((String) r[0], ((VersionStatus) r[1]).wireName()));
        return out;
    }

    private static ServedCell served(String profile, BestVariants.Answer answer) {
        BestVariant b = answer.served();
        if (b == null) {
            return new ServedCell(profile, false, null, null, null, answer.nothing().getMessage());
        }
        return new ServedCell(profile, true, b.recipe().label() + " (v" + b.version() + ")",
                b.deltas() == null ? "—" : Format.ratio(b.deltas().sizeRatio()),
                b.deltas() == null ? "—" : Format.ratio(b.deltas().latencyRatio()), null);
    }

    @Transactional
    public ModelView model(Chrome chrome, String name, String flash, String error) {
        ModelDto model = models.get(name);
        List<ModelVersionDto> all = new ArrayList<>(versions.list(name, false));
        java.util.Collections.reverse(all); // newest first
        List<Promotion> history = promotions.history(name, null, null);
        List<DeviceProfile> active = profiles.active();
        List<DeviceRow> devices = new ArrayList<>();
        List<Chart> charts = new ArrayList<>();
        List<PromoteForm> forms = new ArrayList<>();
        ModelVersion latest = model.latestVersion() == 0 ? null : VersionJobsResource.lookup(name, model.latestVersion());
        for (DeviceProfile p : active) {
            devices.add(device(name, p.name(), history));
            List<ParetoPoint> points = latest == null ? List.of() : best.pareto(latest, p.name());
            if (model.latestVersion() > 0) {
                charts.add(chart(name, model.latestVersion(), p.name(), history, points));
            }
            if (chrome.promoter()) {
                forms.add(promoteForm(model.latestVersion(), p.name(), history, points));
            }
        }
        List<TimelineRow> timeline = history.stream().map(ModelViews::timelineRow).toList();
        return new ModelView(chrome, model, devices, all, timeline, charts, forms, flash, error);
    }

    private DeviceRow device(String model, String profile, List<Promotion> history) {
        Optional<Promotion> decision = history.stream().filter(p -> p.device().equals(profile)).findFirst();
        try {
            BestVariant b = best.byProfile(model, profile);
            var bench = b.benchmark();
            Double accuracy = bench == null || bench.accuracy() == null ? null
                    : bench.accuracy().top1Accuracy() != null ? bench.accuracy().top1Accuracy() * 100
                    : bench.accuracy().top1Agreement() == null ? null : bench.accuracy().top1Agreement() * 100;
            String reason = history.stream().filter(p -> p.id().equals(b.promotionId())).findFirst()
                    .map(Promotion::reason).orElse("");
            return new DeviceRow(profile, true, "v" + b.version(), b.variantId(), b.recipe().label(),
                    Format.bytes(b.sizeBytes()),
                    bench == null || bench.latency() == null ? "—" : Format.millis(bench.latency().p95Millis()),
                    Format.percent(accuracy),
                    b.deltas() == null ? "—" : Format.ratio(b.deltas().latencyRatio()),
                    b.deltas() == null ? "—" : Format.ratio(b.deltas().sizeRatio()),
                    b.deltas() == null ? "—" : Format.points(b.deltas().accuracyDeltaPoints()),
                    bench != null && bench.emulated(), reason, List.of());
        } catch (ProblemException e) {
            List<String> candidates = decision.filter(d -> d.outcome() == PromotionOutcome.NOTHING_ELIGIBLE)
                    .map(d -> d.verdicts().stream().map(v -> "v" + v.version() + " " + v.recipe() + ": "
                            + String.join("; ", v.reasons())).toList()).orElse(List.of());
            return new DeviceRow(profile, false, null, null, null, null, null, null, null, null, null, false,
                    e.getMessage(), candidates);
        }
    }

    /** The chart of one version on one profile; used by the model page (latest version) and the version page. */
    Chart chart(ModelVersion version, String profile, List<Promotion> history) {
        return chart(version.model.name, version.version, profile, history, best.pareto(version, profile));
    }

    private Chart chart(String model, int version, String profile, List<Promotion> history, List<ParetoPoint> points) {
        Map<String, List<String>> rejected = new HashMap<>();
        Optional<Promotion> decision = history.stream()
                .filter(p -> p.device().equals(profile) && p.kind() == PromotionKind.POLICY
                        && Integer.valueOf(version).equals(p.decidedVersion()))
                .findFirst();
        decision.ifPresent(d -> {
            for (CandidateVerdict v : d.verdicts()) {
                if (!v.eligible()) {
                    rejected.put(v.variantId(), v.reasons());
                }
            }
        });
        String promoted = servingFromVersion(model, profile, version);
        boolean fidelity = points.stream().anyMatch(p -> p.baseline() && p.benchmarked())
                && isFidelity(points);
        return ParetoChart.layout(profile, version, points, promoted, rejected, fidelity);
    }

    /** Labels are unknown to the Pareto query; a baseline at exactly 100% is its fidelity to itself. */
    private static boolean isFidelity(List<ParetoPoint> points) {
        return points.stream().filter(ParetoPoint::baseline).anyMatch(p -> Double.valueOf(100.0)
                .equals(p.accuracyPercent()));
    }

    private String servingFromVersion(String model, String profile, int version) {
        try {
            BestVariant b = best.byProfile(model, profile);
            return b.version() == version ? b.variantId() : null;
        } catch (ProblemException e) {
            return null;
        }
    }

    private static PromoteForm promoteForm(int latest, String profile, List<Promotion> history,
                                           List<ParetoPoint> points) {
        List<Option> options = new ArrayList<>();
        for (ParetoPoint p : points) {
            options.add(new Option(p.variantId(), "v" + latest + " " + p.recipe()
                    + (p.benchmarked() ? "" : " (not benchmarked)")));
        }
        long effective = history.stream().filter(p -> p.device().equals(profile) && p.effectiveAt() != null).count();
        return new PromoteForm(profile, options, effective > 1);
    }

    private static TimelineRow timelineRow(Promotion p) {
        String review = p.reviewedBy() == null ? null : p.approval().json() + " by " + p.reviewedBy() + " at "
                + Format.time(p.reviewedAt()) + (p.reviewComment() == null ? "" : ": " + p.reviewComment());
        String outcome = p.approval() != null ? p.outcome().json() + " (" + p.approval().json() + ")"
                : p.outcome().json();
        String variant = p.variantId() == null ? "—" : "v" + p.version() + " " + p.recipe();
        return new TimelineRow(p.id(), p.device(), Format.time(p.decidedAt()), p.kind().json(), outcome, variant,
                p.decidedBy(), p.reason(), review, p.approval() != null && p.approval().name().equals("PENDING"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
