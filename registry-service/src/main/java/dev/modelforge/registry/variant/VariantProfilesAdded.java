package dev.modelforge.registry.variant;

import java.util.List;
import java.util.UUID;

/**
 * Fired synchronously by {@link VariantService} inside the transaction in which an existing variant starts serving
 * more device profiles (a backfill, or a second job of the same recipe), so the new profiles get their benchmark
 * jobs in the same commit — without them the variant could never be measured, let alone promoted, there.
 *
 * @param variantId the variant
 * @param profiles  the profile names it did not serve before
 */
public record VariantProfilesAdded(UUID variantId, List<String> profiles) {
}
