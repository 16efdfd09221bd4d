package dev.modelforge.registry.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Benchmark result bodies as a worker posts them, plausible unless a test changes a field. */
final class BenchmarkBodies {

    private BenchmarkBodies() {
    }

    static Map<String, Object> latency(double p50, double p90, double p99) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("batchSize", 1);
        l.put("samples", 50);
        l.put("p50Millis", p50);
        l.put("p90Millis", p90);
        l.put("p95Millis", Math.max(p90, Math.min(p99, (p90 + p99) / 2)));
        l.put("p99Millis", p99);
        l.put("meanMillis", Math.max(0, p50));
        l.put("stddevMillis", 0.1);
        l.put("minMillis", Math.max(0, Math.min(p50, p90)) * 0.9);
        l.put("maxMillis", Math.max(p99, p90) * 1.1);
        return l;
    }

    static Map<String, Object> ok(String job, double p50) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("jobId", job);
        r.put("status", "OK");
        r.put("emulated", true);
        r.put("loadMillis", 2.0);
        r.put("latency", latency(p50, p50 * 1.2, p50 * 1.5));
        r.put("throughput", List.of(Map.of("batchSize", 1, "samplesPerSecond", 1000 / p50)));
        r.put("peakRssMb", 50.0);
        r.put("baseRssMb", 40.0);
        r.put("accuracy", Map.of("kind", "LABELS", "samples", 10, "output", "y", "top1Accuracy", 0.9));
        r.put("measuredAt", "2026-01-01T00:00:00Z");
        return r;
    }

    static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put(field, value);
        return copy;
    }
}
