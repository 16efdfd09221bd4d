package dev.modelforge.compress.search;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Inputs of the {@code auto} search.
 *
 * @param maxDropPoints   accuracy budget: largest allowed top-1 drop vs the float model, in points
 * @param objective       what to minimise among candidates within budget
 * @param timeBudget      wall-clock limit; the search returns its best-so-far when it runs out
 * @param calibration     calibration set (.npz / test data), needed by int8-static and pruning recovery
 * @param eval            evaluation set with labels
 * @param threads         ORT intra-op threads for evaluation and latency
 * @param latencyBatch    batch size the latency objective is measured at
 * @param previous        a previous version's sensitivity map (layer → drop in points) to warm-start from; may be empty
 */
public record SearchSpec(double maxDropPoints, Objective objective, Duration timeBudget, Path calibration, Path eval,
                         int threads, int latencyBatch, Map<String, Double> previous) {
    public SearchSpec {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(timeBudget, "timeBudget");
        Objects.requireNonNull(eval, "eval");
        if (!(maxDropPoints >= 0)) {
            throw new IllegalArgumentException("accuracy budget must be ≥ 0 points, got " + maxDropPoints);
        }
        if (timeBudget.isNegative() || timeBudget.isZero()) {
            throw new IllegalArgumentException("time budget must be positive, got " + timeBudget);
        }
        threads = Math.max(1, threads);
        latencyBatch = Math.max(1, latencyBatch);
        previous = previous == null ? Map.of() : Map.copyOf(previous);
    }
}
