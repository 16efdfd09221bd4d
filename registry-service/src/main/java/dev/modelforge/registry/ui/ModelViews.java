package dev.modelforge.registry.ui;

import dev.modelforge.api.model.ModelDto;
import dev.modelforge.api.model.PageDto;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.CandidateVerdict;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.promotion.PromotionOutcome;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.registry.job.VersionJobsResource;
import dev.modelforge.registry.model.ModelResource;
import dev.modelforge.registry.promotion.BestVariants;
import dev.modelforge.registry.promotion.ParetoQuery;
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
    PromotionService promotions;

    @Inject
    ServedSummaries summaries;

    @Inject
    ParetoQuery paretoQuery;

    @Transactional
    public ModelsView list(Chrome chrome, String q, String tag) {
        PageDto<ModelDto> page = models.list(blankToNull(q), blankToNull(tag), 0, 200);
        List<String> active = summaries.activeProfiles();
        List<String> names = page.items().stream().map(ModelDto::name).toList();
        Map<String, List<ServedCell>> cells = summaries.of(names, active);
        Map<String, String> statuses = latestStatuses(names);
        List<ModelRow> rows = new ArrayList<>();
        for (ModelDto m : page.items()) {
            String status = m.latestVersion() == 0 ? "no versions" : statuses.getOrDefault(m.name(), "—");
            rows.add(new ModelRow(m.name(), m.owner(), m.description(), m.tags(), m.latestVersion(), status,
                    cells.get(m.name())));
        }
        return new ModelsView(chrome, q == null ? "" : q, tag == null ? "" : tag, active, rows, page.total());
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

    @Transactional
    public ModelView model(Chrome chrome, String name, String flash, String error) {
        ModelDto model = models.get(name);
        List<ModelVersionDto> all = new ArrayList<>(versions.list(name, false));
        java.util.Collections.reverse(all); // newest first
        List<Promotion> history = promotions.history(name, null, null);
        List<String> active = summaries.activeProfiles();
        ModelVersion latest = model.latestVersion() == 0 ? null : VersionJobsResource.lookup(name, model.latestVersion());
        Map<String, BestVariants.Answer> served = summaries.answers(name, active);
        Map<String, List<ParetoPoint>> pareto = latest == null ? Map.of() : paretoQuery.of(latest, active);
        List<DeviceRow> devices = new ArrayList<>();
        List<Chart> charts = new ArrayList<>();
        List<PromoteForm> forms = new ArrayList<>();
        for (String p : active) {
            devices.add(device(p, served.get(p), history));
            List<ParetoPoint> points = pareto.getOrDefault(p, List.of());
            if (model.latestVersion() > 0) {
                charts.add(chart(model.latestVersion(), p, history, points, served.get(p)));
            }
            if (chrome.promoter()) {
                forms.add(promoteForm(model.latestVersion(), p, history, points));
            }
        }
        List<TimelineRow> timeline = history.stream().map(ModelViews::timelineRow).toList();
        return new ModelView(chrome, model, devices, all, timeline, charts, forms, flash, error);
    }

    private static DeviceRow device(String profile, BestVariants.Answer answer, List<Promotion> history) {
        Optional<Promotion> decision = history.stream().filter(p -> p.device().equals(profile)).findFirst();
        BestVariant b = answer.served();
        if (b == null) {
            List<String> candidates = decision.filter(d -> d.outcome() == PromotionOutcome.NOTHING_ELIGIBLE)
                    .map(d -> d.verdicts().stream().map(v -> "v" + v.version() + " " + v.recipe() + ": "
                            + String.join("; ", v.reasons())).toList()).orElse(List.of());
            return new DeviceRow(profile, false, null, null, null, null, null, null, null, null, null, false,
                    answer.nothing().getMessage(), candidates);
        }
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
    }

    /** The charts of one version on the given profiles (the version page); what serves is read in one bulk read. */
    List<Chart> charts(ModelVersion version, List<String> profiles, List<Promotion> history) {
        Map<String, BestVariants.Answer> served = summaries.answers(version.model.name, profiles);
        Map<String, List<ParetoPoint>> pareto = paretoQuery.of(version, profiles);
        List<Chart> out = new ArrayList<>();
        for (String p : profiles) {
            out.add(chart(version.version, p, history, pareto.get(p), served.get(p)));
        }
        return out;
    }

    private static Chart chart(int version, String profile, List<Promotion> history, List<ParetoPoint> points,
                               BestVariants.Answer served) {
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
        // the variant serving the profile, when it comes from this version
        BestVariant b = served == null ? null : served.served();
        String promoted = b != null && b.version() == version ? b.variantId() : null;
        boolean fidelity = points.stream().anyMatch(p -> p.baseline() && p.benchmarked())
                && isFidelity(points);
        return ParetoChart.layout(profile, version, points, promoted, rejected, fidelity);
    }

    /** Labels are unknown to the Pareto query; a baseline at exactly 100% is its fidelity to itself. */
    private static boolean isFidelity(List<ParetoPoint> points) {
        return points.stream().filter(ParetoPoint::baseline).anyMatch(p -> Double.valueOf(100.0)
                .equals(p.accuracyPercent()));
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
