package dev.modelforge.registry.error;

import dev.modelforge.api.model.ModelNames;
import dev.modelforge.api.problem.ProblemTypes;

/**
 * A domain error that becomes one problem+json answer. Code throws it with the factory that names the
 * situation; {@link ProblemMappers} is the only place that turns it into HTTP.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;

    /**
     * @param status HTTP status
     * @param type   stable type URI from {@link ProblemTypes}
     * @param title  summary of the type
     * @param detail what is wrong with this request
     */
    public ProblemException(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public static ProblemException invalidModelName(String name) {
        return new ProblemException(400, ProblemTypes.INVALID_MODEL_NAME, "Invalid model name", ModelNames.explain(name));
    }

    public static ProblemException invalidRequest(String detail) {
        return new ProblemException(400, ProblemTypes.INVALID_REQUEST, "Invalid request", detail);
    }

    public static ProblemException invalidOnnx(String detail) {
        return new ProblemException(400, ProblemTypes.INVALID_ONNX, "Not a usable ONNX model", detail);
    }

    public static ProblemException missingModelPart(String detail) {
        return new ProblemException(400, ProblemTypes.MISSING_MODEL_PART, "Model file missing", detail);
    }

    public static ProblemException datasetMismatch(String part, String detail) {
        return new ProblemException(422, ProblemTypes.DATASET_MISMATCH, "Dataset does not match the model",
                "'" + part + "': " + detail);
    }

    public static ProblemException invalidDataset(String part, String detail) {
        return new ProblemException(400, ProblemTypes.INVALID_DATASET, "Unreadable dataset",
                "'" + part + "': " + detail);
    }

    public static ProblemException tooLarge(long limitBytes) {
        return new ProblemException(413, ProblemTypes.PAYLOAD_TOO_LARGE, "Upload too large",
                "the upload exceeds the limit of " + limitBytes + " bytes (modelforge.upload.max-size)");
    }

    /** @param status 400 if the connection failed mid-body, 408 if the client went silent */
    public static ProblemException incompleteBody(int status, String detail) {
        return new ProblemException(status, ProblemTypes.INCOMPLETE_BODY, "Incomplete request body",
                detail + "; nothing was stored, send the request again");
    }

    public static ProblemException digestMismatch(String declared, String actual) {
        return new ProblemException(400, ProblemTypes.DIGEST_MISMATCH, "Digest mismatch",
                "Repr-Digest declared sha-256 " + declared + " but the body's sha-256 is " + actual
                        + "; nothing was stored. Send the digest of the bytes you upload, or no Repr-Digest");
    }

    public static ProblemException concurrentUpload(String sha256) {
        return new ProblemException(409, ProblemTypes.CONCURRENT_UPLOAD, "Concurrent upload",
                "another upload of the same bytes (sha-256 " + sha256 + ") is in progress; retry the request");
    }

    public static ProblemException modelNotFound(String name) {
        return new ProblemException(404, ProblemTypes.MODEL_NOT_FOUND, "Model not found",
                "no model named '" + name + "'");
    }

    public static ProblemException versionNotFound(String name, int version) {
        return new ProblemException(404, ProblemTypes.VERSION_NOT_FOUND, "Version not found",
                "model '" + name + "' has no version " + version);
    }

    public static ProblemException modelExists(String name) {
        return new ProblemException(409, ProblemTypes.MODEL_EXISTS, "Model exists",
                "a model named '" + name + "' already exists");
    }

    public static ProblemException idempotencyConflict(String key, int version) {
        return new ProblemException(409, ProblemTypes.IDEMPOTENCY_CONFLICT, "Idempotency key reused",
                "Idempotency-Key '" + key + "' was already used for version " + version
                        + " with different content; use a new key for new content");
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, ProblemTypes.UNAVAILABLE, "Service unavailable", detail);
    }
}
