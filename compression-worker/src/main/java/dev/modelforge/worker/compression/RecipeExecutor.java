package dev.modelforge.worker.compression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.profile.RecipeRef;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs one recipe on one model file. The one seam between the worker's plumbing (Kafka, S3, registry) and
 * compression-core, so the plumbing is tested without caring how a pass works.
 */
public interface RecipeExecutor {

    /** What a successful run produced. */
    record Output(Path model, JsonNode report, String toolVersion) {
    }

    /** Receives progress as a fraction in [0, 1]. */
    @FunctionalInterface
    interface Progress {
        void report(String phase, double fraction);
    }

    /**
     * @param original    the verified original ONNX file
     * @param calibration calibration data, if the version has some
     * @param eval        evaluation data, if the version has some
     * @param recipe      what to run
     * @param workDir     a private directory the run may fill; the output goes there
     * @throws RecipeRefusedException when the recipe will not apply to this model (no retry helps)
     * @throws Exception              anything else, treated as transient and retried
     */
    Output run(Path original, Optional<Path> calibration, Optional<Path> eval, RecipeRef recipe, Path workDir,
               Progress progress) throws Exception;

    /** The recipe will not or cannot compress this model; the job fails cleanly instead of being retried. */
    class RecipeRefusedException extends Exception {
        public RecipeRefusedException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
