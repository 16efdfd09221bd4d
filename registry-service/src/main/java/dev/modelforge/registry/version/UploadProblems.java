package dev.modelforge.registry.version;

import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.onnx.InvalidOnnxException;
import dev.modelforge.onnx.ModelLimitException;
import dev.modelforge.onnx.data.DatasetLimitException;
import dev.modelforge.onnx.data.UnusableDatasetException;
import dev.modelforge.registry.error.ProblemException;

/**
 * Turns a refused model or dataset into its problem. Models: 400 {@code invalid-onnx} when the bytes are not an ONNX model at
 * all, 422 when they are one that can never run ({@code unrunnable-model}) or is past a parsing cap
 * ({@code limit-exceeded}, naming the setting that raises it).
 */
final class UploadProblems {
    static final String LIMITS_PREFIX = "modelforge.upload.model-limits.";

    private UploadProblems() {
    }

    static ProblemException of(InvalidOnnxException e) {
        String raise = e instanceof ModelLimitException l
                ? " (limit " + l.limit() + ": raise " + LIMITS_PREFIX + l.limitKey() + " if this model is genuine)"
                : "";
        return switch (e.reason()) {
            case LIMIT_EXCEEDED -> new ProblemException(422, ProblemTypes.LIMIT_EXCEEDED, "Model past a limit",
                    e.getMessage() + raise + "; nothing was stored");
            case UNRUNNABLE, MALFORMED, BAD_EXTERNAL_DATA -> new ProblemException(422,
                    ProblemTypes.UNRUNNABLE_MODEL, "Model can never run", e.getMessage() + raise
                    + "; nothing was stored");
            default -> ProblemException.invalidOnnx(e.getMessage());
        };
    }

    static ProblemException unusableDataset(String part, UnusableDatasetException e) {
        return new ProblemException(422, ProblemTypes.UNUSABLE_DATASET, "Dataset can never be evaluated",
                "'" + part + "': " + e.getMessage() + "; nothing was stored");
    }

    static ProblemException datasetLimit(String part, DatasetLimitException e) {
        return new ProblemException(422, ProblemTypes.LIMIT_EXCEEDED, "Dataset past a limit", "'" + part + "': "
                + e.getMessage() + " (raise modelforge.upload.max-dataset-decoded-size if this dataset is "
                + "genuine; the registry holds it in memory while checking it); nothing was stored");
    }
}
