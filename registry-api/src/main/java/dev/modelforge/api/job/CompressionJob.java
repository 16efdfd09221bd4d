package dev.modelforge.api.job;

import dev.modelforge.api.profile.RecipeRef;

import java.time.Instant;
import java.util.List;

/**
 * A compression job as the REST API shows it.
 *
 * @param id              job id
 * @param modelName       model name
 * @param version         model version number
 * @param recipe          recipe to run
 * @param recipeHash      hash of the recipe, the planner's deduplication key
 * @param profiles        profiles served by the result
 * @param status          lifecycle status
 * @param attempts        how many times a worker claimed it
 * @param progressPercent 0..100
 * @param workerId        the worker that claimed it last
 * @param error           why it failed (or the last retryable error)
 * @param variantId       the registered variant, once succeeded
 * @param createdAt       when planned
 * @param startedAt       when first claimed
 * @param updatedAt       last change
 * @param finishedAt      when it reached a terminal status
 */
public record CompressionJob(String id, String modelName, int version, RecipeRef recipe, String recipeHash,
                             List<String> profiles, JobStatus status, int attempts, int progressPercent,
                             String workerId, String error, String variantId, Instant createdAt, Instant startedAt,
                             Instant updatedAt, Instant finishedAt) {
}
