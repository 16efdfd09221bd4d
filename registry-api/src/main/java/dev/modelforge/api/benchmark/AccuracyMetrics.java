package dev.modelforge.api.benchmark;

/**
 * Accuracy of a variant on its model version's evaluation set, measured on the device profile's runtime.
 * Fidelity fields compare the first output of the variant with the baseline's on the same inputs; they
 * are null when no baseline was run.
 *
 * @param kind            labels or fidelity
 * @param samples         evaluated samples
 * @param output          name of the output the metrics were computed on
 * @param top1Accuracy    fraction of samples whose arg-max equals the label; null without labels
 * @param top1Agreement   fraction of samples whose arg-max equals the baseline's; null without baseline
 * @param meanCosine      mean per-sample cosine similarity to the baseline's output; null without baseline
 * @param maxAbsError     largest absolute element difference to the baseline's output; null without baseline
 */
public record AccuracyMetrics(AccuracyKind kind, int samples, String output, Double top1Accuracy,
                              Double top1Agreement, Double meanCosine, Double maxAbsError) {
}
