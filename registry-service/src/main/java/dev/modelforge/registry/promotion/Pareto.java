package dev.modelforge.registry.promotion;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Pareto-optimal candidates on (latency, size, accuracy): those no other candidate beats on one metric without
 * losing on another. Candidates without a completed benchmark are never on the front; an unmeasured accuracy counts
 * as the worst.
 */
public final class Pareto {

    private Pareto() {
    }

    /** Ids of the non-dominated candidates. */
    public static Set<String> front(List<Candidate> candidates) {
        List<Candidate> measured = candidates.stream().filter(c -> c.measurement() != null).toList();
        return measured.stream()
                .filter(c -> measured.stream().noneMatch(other -> dominates(other.measurement(), c.measurement())))
                .map(Candidate::variantId)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    static boolean dominates(Measurement a, Measurement b) {
        double accA = a.accuracyPercent() == null ? Double.NEGATIVE_INFINITY : a.accuracyPercent();
        double accB = b.accuracyPercent() == null ? Double.NEGATIVE_INFINITY : b.accuracyPercent();
        boolean noWorse = a.p50LatencyMillis() <= b.p50LatencyMillis() && a.sizeBytes() <= b.sizeBytes() && accA >= accB;
        boolean better = a.p50LatencyMillis() < b.p50LatencyMillis() || a.sizeBytes() < b.sizeBytes() || accA > accB;
        return noWorse && better;
    }
}
