package dev.modelforge.cli;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.version.VersionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry says about one version at one moment: its compression jobs, its benchmark jobs and the policy
 * decision per device profile. Read with three REST calls, whatever the number of profiles.
 */
record PipelineSnapshot(VersionStatus status, List<CompressionJob> jobs, List<BenchmarkJobView> benchmarks,
                        Map<String, Promotion> decisions) {

    static PipelineSnapshot read(RegistryClient client, String model, int version, List<String> devices) {
        VersionStatus status = client.getVersion(model, version).status();
        List<CompressionJob> jobs = client.listJobs(model, version);
        List<BenchmarkJobView> benchmarks = client.listBenchmarkJobs(model, version);
        Map<String, Promotion> decisions = new LinkedHashMap<>();
        // Newest first: the first policy record of this version per device is its decision.
        for (Promotion p : client.promotions(model, null, null)) {
            if (p.kind() == PromotionKind.POLICY && p.decidedVersion() != null && p.decidedVersion() == version
                    && devices.contains(p.device())) {
                decisions.putIfAbsent(p.device(), p);
            }
        }
        return new PipelineSnapshot(status, jobs, benchmarks, decisions);
    }

    boolean decided(List<String> devices) {
        return decisions.keySet().containsAll(devices);
    }

    List<CompressionJob> failedJobs() {
        return jobs.stream().filter(j -> j.status() == JobStatus.FAILED || j.status() == JobStatus.DEAD).toList();
    }

    List<BenchmarkJobView> failedBenchmarks() {
        return benchmarks.stream().filter(b -> b.status() == JobStatus.FAILED || b.status() == JobStatus.DEAD)
                .toList();
    }

    /**
     * The progress block, one line per key; the key lets a non-terminal printer show only lines that changed.
     */
    Map<String, String> lines(String model, int version, List<String> devices) {
        Map<String, String> lines = new LinkedHashMap<>();
        long compressed = jobs.stream().filter(j -> j.status().isTerminal()).count();
        long measured = benchmarks.stream().filter(b -> b.status().isTerminal()).count();
        lines.put("version", String.format("%s v%d: %s — compression %d/%d, benchmarks %d/%d, decided %d/%d",
                model, version, status == null ? "?" : status.wireName(), compressed, jobs.size(), measured,
                benchmarks.size(), decisions.size(), devices.size()));
        for (String device : devices) {
            List<CompressionJob> mine = jobs.stream().filter(j -> j.profiles().contains(device)).toList();
            List<BenchmarkJobView> bench = benchmarks.stream().filter(b -> device.equals(b.deviceProfile())).toList();
            Promotion decision = decisions.get(device);
            String state = decision == null ? phase(mine, bench) : decision.outcome().json()
                    + (decision.recipe() == null ? "" : " " + decision.recipe());
            lines.put("device:" + device, String.format("  %-14s compression %s  benchmarks %s  %s", device,
                    count(mine.stream().map(CompressionJob::status).toList()),
                    count(bench.stream().map(BenchmarkJobView::status).toList()), state));
        }
        for (CompressionJob j : failedJobs()) {
            lines.put("job:" + j.id(), "  ! compression " + j.recipe().label() + " for " + String.join(",",
                    j.profiles()) + " " + j.status().wireName() + ": " + j.error());
        }
        for (BenchmarkJobView b : failedBenchmarks()) {
            lines.put("bench:" + b.id(), "  ! benchmark " + b.recipe() + " on " + b.deviceProfile() + " failed: "
                    + b.error());
        }
        return lines;
    }

    private static String phase(List<CompressionJob> jobs, List<BenchmarkJobView> bench) {
        if (jobs.isEmpty() || jobs.stream().anyMatch(j -> !j.status().isTerminal())) {
            return "compressing";
        }
        if (bench.isEmpty() || bench.stream().anyMatch(b -> !b.status().isTerminal())) {
            return "benchmarking";
        }
        return "deciding";
    }

    private static String count(List<JobStatus> statuses) {
        long done = statuses.stream().filter(JobStatus::isTerminal).count();
        long running = statuses.stream().filter(s -> s == JobStatus.RUNNING).count();
        long failed = statuses.stream().filter(s -> s == JobStatus.FAILED || s == JobStatus.DEAD).count();
        var parts = new ArrayList<String>();
        if (running > 0) {
            parts.add(running + " running");
        }
        if (failed > 0) {
            parts.add(failed + " failed");
        }
        return done + "/" + statuses.size() + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
    }
}
