package dev.modelforge.compress.validate;

/**
 * What validation measured. Fields are null when not applicable (no labels → no accuracy; no
 * reference model → no fidelity).
 *
 * @param samples            samples run
 * @param accuracy           top-1 accuracy of the candidate against labels (0..1)
 * @param referenceAccuracy  top-1 accuracy of the reference (float) model against labels
 * @param top1Agreement      share of samples where candidate and reference agree on the top class
 * @param cosineSimilarity   cosine similarity of all outputs, flattened, candidate vs reference
 * @param maxAbsError        largest absolute output difference, candidate vs reference
 */
public record Metrics(int samples, Double accuracy, Double referenceAccuracy, Double top1Agreement,
                      Double cosineSimilarity, Double maxAbsError) {
    /** Accuracy drop in percentage points (reference − candidate), when both are known. */
    public Double accuracyDropPoints() {
        return accuracy == null || referenceAccuracy == null ? null : (referenceAccuracy - accuracy) * 100.0;
    }
}
