package dev.modelforge.compress.validate;

/**
 * Limits a compressed model must meet to count as valid. Null disables a limit.
 *
 * @param maxAccuracyDropPoints largest allowed top-1 drop vs the reference, in points
 * @param minCosineSimilarity   smallest allowed output cosine similarity vs the reference
 */
public record ValidationGate(Double maxAccuracyDropPoints, Double minCosineSimilarity) {
    /** Defaults: at most 2 points of top-1 lost, outputs at least 0.98 cosine-similar. */
    public static ValidationGate defaults() {
        return new ValidationGate(2.0, 0.98);
    }

    /** No limits: only "loads, runs, outputs finite". */
    public static ValidationGate loadAndRunOnly() {
        return new ValidationGate(null, null);
    }

    /** The first limit {@code m} violates, or null when all hold. */
    public String violation(Metrics m) {
        Double drop = m.accuracyDropPoints();
        if (maxAccuracyDropPoints != null && drop != null && drop > maxAccuracyDropPoints) {
            return String.format("top-1 accuracy dropped %.2f points (limit %.2f)", drop, maxAccuracyDropPoints);
        }
        if (minCosineSimilarity != null && m.cosineSimilarity() != null && m.cosineSimilarity() < minCosineSimilarity) {
            return String.format("output cosine similarity %.4f is below %.4f", m.cosineSimilarity(), minCosineSimilarity);
        }
        return null;
    }
}
