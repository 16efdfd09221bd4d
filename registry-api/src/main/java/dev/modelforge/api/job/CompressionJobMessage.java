package dev.modelforge.api.job;

import dev.modelforge.api.profile.RecipeRef;

import java.util.List;

/**
 * The payload published on {@code modelforge.compression-jobs} (Kafka key = model id).
 *
 * <p>It carries everything a worker needs to do the job without reading the registry first: where the original and
 * the calibration data are and how to verify them, and the recipe. The job id is the idempotency key of every call
 * the worker makes back.
 *
 * @param jobId       the job
 * @param modelId     owning model id (also the Kafka key, so jobs of one model stay ordered)
 * @param modelName   model name, for logs
 * @param versionId   model version id
 * @param version     model version number
 * @param recipe      the recipe to run
 * @param recipeHash  {@link RecipeRef#hash()} of {@code recipe}
 * @param original    the uploaded ONNX file
 * @param calibration calibration data, or {@code null}
 * @param eval        evaluation data, or {@code null}
 * @param profiles    names of the profiles that asked for this recipe
 */
public record CompressionJobMessage(String jobId, String modelId, String modelName, String versionId, int version,
                                    RecipeRef recipe, String recipeHash, StoredObject original,
                                    StoredObject calibration, StoredObject eval, List<String> profiles) {

    /** Topic the planner publishes to. */
    public static final String TOPIC = "modelforge.compression-jobs";
    /** Topic poison jobs end on after the worker's retries. */
    public static final String DEAD_LETTER_TOPIC = "modelforge.compression-jobs.dlq";
    /** CloudEvents type of the message. */
    public static final String EVENT_TYPE = "dev.modelforge.compression-job.queued";
}
