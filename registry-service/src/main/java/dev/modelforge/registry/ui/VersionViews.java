package dev.modelforge.registry.ui;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.HardwareFingerprint;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.ProfileRevision;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.api.version.VersionStatus;
import dev.modelforge.registry.benchmark.BenchmarkJobs;
import dev.modelforge.registry.job.JobService;
import dev.modelforge.registry.version.ModelVersion;
import dev.modelforge.registry.job.VersionJobsResource;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.promotion.PromotionService;
import dev.modelforge.registry.ui.Views.BenchRow;
import dev.modelforge.registry.ui.Views.Chart;
import dev.modelforge.registry.ui.Views.Chrome;
import dev.modelforge.registry.ui.Views.ProfileProgress;
import dev.modelforge.registry.ui.Views.ProfileView;
import dev.modelforge.registry.ui.Views.ProfilesView;
import dev.modelforge.registry.ui.Views.Progress;
import dev.modelforge.registry.ui.Views.RevisionRow;
import dev.modelforge.registry.ui.Views.VariantRow;
import dev.modelforge.registry.ui.Views.VersionView;
import dev.modelforge.registry.variant.VersionVariantsResource;
import dev.modelforge.registry.version.VersionResource;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/** Builds the version page (pipeline progress, variants, benchmarks, charts) and the profile pages. */
@ApplicationScoped
public class VersionViews {

    @Inject
    VersionResource versions;

    // The progress stream runs outside the request (no identity to re-check), so it reads through the services the
    // job listings use rather than through the secured resources.
    @Inject
    JobService compressionJobs;

    @Inject
    BenchmarkJobs benchmarkJobs;

    @Inject
    VersionVariantsResource variants;

    @Inject
    PromotionService promotions;

    @Inject
    DeviceProfileService profiles;

    @Inject
    ModelViews models;

    @Inject
    ObjectMapper json;

    @Transactional
    public VersionView version(Chrome chrome, String name, int number) {
        ModelVersionDto version = versions.get(name, number);
        List<Promotion> history = promotions.history(name, null, null);
        ModelVersion entity = VersionJobsResource.lookup(name, number);
        Progress progress = progress(entity, version, history);
        List<Variant> all = variants.list(name, number);
        List<VariantRow> rows = all.stream().map(v -> new VariantRow(v.id(), v.recipe().label(), v.sha256(),
                Format.bytes(v.sizeBytes()), String.join(", ", v.profiles()))).toList();
        List<BenchRow> bench = new ArrayList<>();
        // every variant's results in one query (the variants are this version's, which the caller may read)
        Map<UUID, List<BenchmarkResult>> results = benchmarkJobs.results(
                all.stream().map(v -> UUID.fromString(v.id())).toList());
        for (Variant v : all) {
            Map<String, BenchmarkResult> latest = new LinkedHashMap<>();
            for (BenchmarkResult r : results.getOrDefault(UUID.fromString(v.id()), List.of())) {
                latest.merge(r.deviceProfile(), r, (a, b) -> b.measuredAt() != null && a.measuredAt() != null
                        && b.measuredAt().isBefore(a.measuredAt()) ? a : b);
            }
            latest.values().forEach(r -> bench.add(benchRow(v, r)));
        }
        bench.sort(Comparator.comparing(BenchRow::profile).thenComparing(BenchRow::recipe));
        // charts for the version's profiles that still exist (a deleted profile keeps its jobs, not its chart)
        Set<String> existing = new HashSet<>(profiles.list().stream().map(DeviceProfile::name).toList());
        List<Chart> charts = models.charts(entity, progress.profiles().stream().map(ProfileProgress::profile)
                .filter(existing::contains).toList(), history);
        return new VersionView(chrome, version, progress, rows, bench, charts);
    }

    /** The live part of the version page; also what the progress stream sends. */
    @Transactional
    public Progress progress(String name, int number) {
        ModelVersion entity = VersionJobsResource.lookup(name, number);
        return progress(entity, entity.toDto(), promotions.history(name, null, null));
    }

    private Progress progress(ModelVersion entity, ModelVersionDto version, List<Promotion> history) {
        List<CompressionJob> cj = compressionJobs.listFor(entity);
        List<BenchmarkJobView> bj = benchmarkJobs.listFor(entity);
        TreeSet<String> names = new TreeSet<>();
        cj.forEach(j -> names.addAll(j.profiles()));
        bj.forEach(j -> names.add(j.deviceProfile()));
        List<ProfileProgress> rows = new ArrayList<>();
        boolean allDecided = !names.isEmpty();
        for (String profile : names) {
            List<CompressionJob> c = cj.stream().filter(j -> j.profiles().contains(profile)).toList();
            List<BenchmarkJobView> b = bj.stream().filter(j -> j.deviceProfile().equals(profile)).toList();
            Optional<Promotion> decision = history.stream().filter(p -> p.device().equals(profile)
                    && p.kind() == PromotionKind.POLICY && Integer.valueOf(version.version()).equals(p.decidedVersion()))
                    .findFirst();
            allDecided &= decision.isPresent();
            rows.add(new ProfileProgress(profile, c.stream().filter(j -> j.status().isTerminal()).count(), c.size(),
                    b.stream().filter(j -> j.status().isTerminal()).count(), b.size(),
                    decision.map(d -> d.outcome().json() + (d.recipe() == null ? "" : ": " + d.recipe()))
                            .orElse("pending")));
        }
        List<String> failures = new ArrayList<>();
        cj.stream().filter(j -> failed(j.status())).forEach(j -> failures.add("compression " + j.recipe().label()
                + ": " + (j.error() == null ? j.status().wireName() : j.error())));
        bj.stream().filter(j -> failed(j.status())).forEach(j -> failures.add("benchmark " + j.recipe() + " on "
                + j.deviceProfile() + ": " + (j.error() == null ? j.status().wireName() : j.error())));
        boolean done = version.status() == VersionStatus.FAILED || version.status() == VersionStatus.ARCHIVED
                || allDecided;
        return new Progress(version.status().wireName(), done, rows, failures);
    }

    private static boolean failed(JobStatus s) {
        return s == JobStatus.FAILED || s == JobStatus.DEAD;
    }

    private static BenchRow benchRow(Variant v, BenchmarkResult r) {
        var l = r.latency();
        String throughput = r.throughput() == null ? "—" : r.throughput().stream()
                .map(t -> "b" + t.batchSize() + ": " + String.format(Locale.ROOT, "%.0f/s", t.samplesPerSecond()))
                .collect(Collectors.joining(", "));
        String memory = r.peakRssMb() == null ? "—" : String.format(Locale.ROOT, "%.0f MB peak", r.peakRssMb())
                + (r.baseRssMb() == null ? "" : String.format(Locale.ROOT, " (%.0f MB base)", r.baseRssMb()));
        Double acc = r.accuracy() == null ? null : r.accuracy().top1Accuracy() != null
                ? r.accuracy().top1Accuracy() * 100
                : r.accuracy().top1Agreement() == null ? null : r.accuracy().top1Agreement() * 100;
        String accuracy = r.accuracy() == null ? "—" : Format.percent(acc) + " "
                + r.accuracy().kind().name().toLowerCase(Locale.ROOT);
        HardwareFingerprint f = r.fingerprint();
        String fp = f == null ? "—" : f.cpuModel() + ", " + f.arch() + ", " + f.coresUsed() + "/" + f.logicalCores()
                + " cores, ORT " + f.ortVersion();
        String status = r.status().name().toLowerCase(Locale.ROOT) + (r.failureReason() == null ? ""
                : ": " + r.failureReason().name().toLowerCase(Locale.ROOT)
                + (r.failureDetail() == null ? "" : " (" + r.failureDetail() + ")"));
        return new BenchRow(r.deviceProfile(), v.recipe().label(), status, r.emulated(),
                l == null ? "—" : Format.millis(l.p50Millis()), l == null ? "—" : Format.millis(l.p90Millis()),
                l == null ? "—" : Format.millis(l.p95Millis()), l == null ? "—" : Format.millis(l.p99Millis()),
                throughput, memory, accuracy, fp);
    }

    @Transactional
    public ProfilesView profiles(Chrome chrome) {
        return new ProfilesView(chrome, profiles.list());
    }

    @Transactional
    public ProfileView profile(Chrome chrome, String name) {
        DeviceProfile p = profiles.get(name);
        var h = p.hardware();
        String hardware = h == null ? "—" : h.arch() + ", " + h.cores() + " cores, " + h.memoryMb() + " MB"
                + (h.isaFeatures().isEmpty() ? "" : ", " + String.join(" ", h.isaFeatures()))
                + (h.accelerator() == null ? "" : ", " + h.accelerator());
        List<RevisionRow> revisions = profiles.history(name).stream().map(r -> new RevisionRow(r.revision(),
                r.changedBy(), Format.time(r.changedAt()), r.deleted(), summary(r))).toList();
        return new ProfileView(chrome, p, hardware, p.recipes().stream().map(RecipeRef::label).toList(),
                pretty(p.policy()), revisions);
    }

    private static String summary(ProfileRevision r) {
        if (r.deleted() || r.profile() == null) {
            return "deleted";
        }
        return r.profile().recipes().stream().map(RecipeRef::label).collect(Collectors.joining(", "));
    }

    private String pretty(Object node) {
        try {
            return node == null ? "—" : json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return String.valueOf(node);
        }
    }
}
