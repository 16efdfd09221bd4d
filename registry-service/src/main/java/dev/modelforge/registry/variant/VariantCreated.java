package dev.modelforge.registry.variant;

import java.util.UUID;

/**
 * Fired synchronously by {@link VariantService} inside the transaction that creates a variant (the baseline
 * included), so observers (benchmark job creation) commit or roll back together with the variant.
 *
 * @param variantId the new variant
 */
public record VariantCreated(UUID variantId) {
}
