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

    /**
     * What a successful run produced.
     *
     * @param model       the variant's ONNX file
     * @param report      the compression report
     * @param toolVersion what produced it
     * @param directory   for a model directory (model.onnx plus external data): the directory holding {@code model}
     *                    and its data files, stored file by file; null for a single file
     */
    record Output(Path model, JsonNode report, String toolVersion, Path directory) {
        public Output(Path model, JsonNode report, String toolVersion) {
            this(model, report, toolVersion, null);
        }
    }

    /** Receives progress as a fraction in [0, 1]. */
    @FunctionalInterface
    interface Progress {
        void report(String phase, double fraction);
    }

    /**
     * @param original    the verified original ONNX file (a model directory's {@code model.onnx}, its external data
     *                    beside it, when {@code directory} is set)
     * @param calibration calibration data, if the version has some
     * @param eval        evaluation data, if the version has some
     * @param recipe      what to run
     * @param workDir     a private directory the run may fill; the output goes there
     * @throws RecipeRefusedException when the recipe will not apply to this model (no retry helps)
     * @throws Exception              anything else, treated as transient and retried
     */
    Output run(Path original, Optional<Path> calibration, Optional<Path> eval, RecipeRef recipe, Path workDir,
               Progress progress) throws Exception;

    /**
     * As {@link #run}; {@code directory} says the original is a model directory, whose variants are written the same
     * way (model.onnx plus external data). Executors that cannot do that keep the default, which refuses.
     */
    default Output run(Path original, boolean directory, Optional<Path> calibration, Optional<Path> eval,
                       RecipeRef recipe, Path workDir, Progress progress) throws Exception {
        if (directory) {
            throw new RecipeRefusedException("this executor does not handle model directories", null);
        }
        return run(original, calibration, eval, recipe, workDir, progress);
    }

    /** The recipe will not or cannot compress this model; the job fails cleanly instead of being retried. */
    class RecipeRefusedException extends Exception {
        public RecipeRefusedException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
