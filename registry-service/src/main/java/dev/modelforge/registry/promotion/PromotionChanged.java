package dev.modelforge.registry.promotion;

/**
 * Fired when what serves (model, profile) may have changed; the best-variant cache drops the entry after commit.
 *
 * @param modelName model
 * @param profile   device profile
 */
public record PromotionChanged(String modelName, String profile) {
}
