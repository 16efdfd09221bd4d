package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.AccuracyMetrics;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.LatencyComparison;
import dev.modelforge.api.benchmark.LatencyStats;
import dev.modelforge.api.benchmark.ThroughputPoint;

/**
 * Plausibility of a worker's figures before promotion may trust them: every number finite and non-negative,
 * fractions in [0, 1], latency percentiles ordered. It cannot prove a measurement honest (only the worker role and
 * its lease limit who may post one), but it keeps a broken or forged result from winning by an impossible number.
 * Every refusal is 422 {@code benchmark-result-invalid} naming the field.
 */
final class BenchmarkFigures {

    private BenchmarkFigures() {
    }

    static void check(BenchmarkResult r) {
        if (r.status() == null) {
            throw BenchmarkProblems.invalid("status is required (ok or failed)");
        }
        if (r.status() == BenchmarkStatus.OK && r.latency() == null) {
            throw BenchmarkProblems.invalid("an ok result needs latency (batch-1 p50/p90/p95/p99)");
        }
        if (r.status() == BenchmarkStatus.FAILED && r.failureReason() == null) {
            throw BenchmarkProblems.invalid("a failed result needs failureReason");
        }
        if (r.sizeBytes() != null && r.sizeBytes() <= 0) {
            throw BenchmarkProblems.invalid("sizeBytes must be positive");
        }
        nonNegative("loadMillis", r.loadMillis());
        nonNegative("peakRssMb", r.peakRssMb());
        nonNegative("baseRssMb", r.baseRssMb());
        if (r.latency() != null) {
            latency("latency", r.latency());
        }
        if (r.throughput() != null) {
            for (ThroughputPoint t : r.throughput()) {
                if (t == null) {
                    throw BenchmarkProblems.invalid("throughput has a null point");
                }
                if (t.batchSize() < 1) {
                    throw BenchmarkProblems.invalid("throughput batchSize must be at least 1");
                }
                nonNegative("throughput.samplesPerSecond", t.samplesPerSecond());
                if (t.latency() != null) {
                    latency("throughput.latency", t.latency());
                }
            }
        }
        if (r.accuracy() != null) {
            accuracy(r.accuracy());
        }
        if (r.comparison() != null) {
            comparison(r.comparison());
        }
    }

    private static void latency(String field, LatencyStats l) {
        if (l.batchSize() < 1 || l.samples() < 1) {
            throw BenchmarkProblems.invalid(field + " needs batchSize and samples of at least 1");
        }
        nonNegative(field + ".p50Millis", l.p50Millis());
        nonNegative(field + ".p90Millis", l.p90Millis());
        nonNegative(field + ".p95Millis", l.p95Millis());
        nonNegative(field + ".p99Millis", l.p99Millis());
        nonNegative(field + ".meanMillis", l.meanMillis());
        nonNegative(field + ".stddevMillis", l.stddevMillis());
        nonNegative(field + ".minMillis", l.minMillis());
        nonNegative(field + ".maxMillis", l.maxMillis());
        if (!(atMost(l.minMillis(), l.p50Millis()) && atMost(l.p50Millis(), l.p90Millis())
                && atMost(l.p90Millis(), l.p95Millis()) && atMost(l.p95Millis(), l.p99Millis())
                && atMost(l.p99Millis(), l.maxMillis()))) {
            throw BenchmarkProblems.invalid(field + " percentiles are not ordered: min <= p50 <= p90 <= p95 <= p99 "
                    + "<= max must hold");
        }
    }

    private static void accuracy(AccuracyMetrics a) {
        if (a.samples() < 1) {
            throw BenchmarkProblems.invalid("accuracy.samples must be at least 1");
        }
        fraction("accuracy.top1Accuracy", a.top1Accuracy());
        fraction("accuracy.top1Agreement", a.top1Agreement());
        if (a.meanCosine() != null && !(Double.isFinite(a.meanCosine()) && Math.abs(a.meanCosine()) <= 1)) {
            throw BenchmarkProblems.invalid("accuracy.meanCosine must be within [-1, 1]");
        }
        nonNegative("accuracy.maxAbsError", a.maxAbsError());
    }

    /** A ratio needs no CI to be plausible; one of few processes may have an unbounded interval. */
    private static void comparison(LatencyComparison c) {
        positive("comparison.ratio", c.ratio());
        if (Double.isFinite(c.ciLow()) && Double.isFinite(c.ciHigh())
                && !(atMost(c.ciLow(), c.ratio()) && atMost(c.ratio(), c.ciHigh()))) {
            throw BenchmarkProblems.invalid("comparison.ratio must lie within [ciLow, ciHigh]");
        }
    }

    /** {@code a <= b}, forgiving the last-digit rounding of interpolated percentiles. */
    private static boolean atMost(double a, double b) {
        return a <= b + 1e-9 * Math.max(1, Math.abs(b));
    }

    private static void fraction(String field, Double value) {
        if (value != null && !(Double.isFinite(value) && value >= 0 && value <= 1)) {
            throw BenchmarkProblems.invalid(field + " must be a fraction within [0, 1], not " + value);
        }
    }

    private static void nonNegative(String field, Double value) {
        if (value != null && !(Double.isFinite(value) && value >= 0)) {
            throw BenchmarkProblems.invalid(field + " must be finite and non-negative, not " + value);
        }
    }

    private static void positive(String field, Double value) {
        if (value != null && !(Double.isFinite(value) && value > 0)) {
            throw BenchmarkProblems.invalid(field + " must be finite and positive, not " + value);
        }
    }
}
