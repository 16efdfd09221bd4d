package dev.modelforge.api.problem;

/**
 * Stable {@code type} URIs of the registry's RFC 7807 problem documents. Clients switch on these,
 * never on {@code title} or {@code detail}, so a URI is never renamed once published.
 */
public final class ProblemTypes {
    /** Prefix shared by every problem type. */
    public static final String BASE = "https://modelforge.dev/problems/";

    /** Model name does not match {@link dev.modelforge.api.model.ModelNames#PATTERN}. */
    public static final String INVALID_MODEL_NAME = BASE + "invalid-model-name";
    /** The uploaded model bytes are not a readable ONNX model (not protobuf, truncated, no graph). */
    public static final String INVALID_ONNX = BASE + "invalid-onnx";
    /** An evaluation or calibration dataset could not be read or does not match the graph inputs. */
    public static final String DATASET_MISMATCH = BASE + "dataset-mismatch";
    /** An evaluation or calibration file is neither a readable {@code .npz} nor an ONNX test-data zip. */
    public static final String INVALID_DATASET = BASE + "invalid-dataset";
    /** A dataset that parses but can never be evaluated: NaN/Inf values, zero-length arrays, unsafe entry names. */
    public static final String UNUSABLE_DATASET = BASE + "unusable-dataset";
    /** A model that parses but can never run: a cycle, an undefined input, unknown opset, data not matching shape. */
    public static final String UNRUNNABLE_MODEL = BASE + "unrunnable-model";
    /** An upload past one of the structural parsing limits; the detail names the limit and how to raise it. */
    public static final String LIMIT_EXCEEDED = BASE + "limit-exceeded";
    /** A change whose event would be larger than the broker accepts; nothing was stored. */
    public static final String EVENT_TOO_LARGE = BASE + "event-too-large";
    /** A multipart upload has no {@code model} part, or a raw upload has an empty body. */
    public static final String MISSING_MODEL_PART = BASE + "missing-model-part";
    /** The upload exceeds the configured size limit. */
    public static final String PAYLOAD_TOO_LARGE = BASE + "payload-too-large";
    /** The uploaded bytes do not have the SHA-256 the client declared in {@code Repr-Digest}. */
    public static final String DIGEST_MISMATCH = BASE + "digest-mismatch";
    /** Another upload of the same declared digest is being stored right now; retrying succeeds. */
    public static final String CONCURRENT_UPLOAD = BASE + "concurrent-upload";
    /**
     * The client stopped before the whole request body arrived: the connection closed mid-body (400) or no
     * bytes came for the registry's idle timeout (408). Nothing was stored; sending the request again works.
     */
    public static final String INCOMPLETE_BODY = BASE + "incomplete-body";
    /** Request body or parameters are malformed (bad JSON, bad metadata, bad paging). */
    public static final String INVALID_REQUEST = BASE + "invalid-request";
    /** The model does not exist. */
    public static final String MODEL_NOT_FOUND = BASE + "model-not-found";
    /** The model exists but the version does not. */
    public static final String VERSION_NOT_FOUND = BASE + "version-not-found";
    /** No route or resource for the request path. */
    public static final String NOT_FOUND = BASE + "not-found";
    /** A model with this name already exists. */
    public static final String MODEL_EXISTS = BASE + "model-exists";
    /** The {@code Idempotency-Key} was already used for different content. */
    public static final String IDEMPOTENCY_CONFLICT = BASE + "idempotency-conflict";
    /** Missing, unknown or revoked API key. */
    public static final String UNAUTHORIZED = BASE + "unauthorized";
    /** The API key is valid but its role does not allow the operation. */
    public static final String FORBIDDEN = BASE + "forbidden";
    /** The API key is valid but its team does not own the model it tries to change. */
    public static final String NOT_OWNER = BASE + "not-owner";
    /** Removing this owner would leave the model without one. */
    public static final String LAST_OWNER = BASE + "last-owner";
    /** No API key with that id. */
    public static final String API_KEY_NOT_FOUND = BASE + "api-key-not-found";
    /** An active API key already has that name. */
    public static final String API_KEY_EXISTS = BASE + "api-key-exists";
    /**
     * The uploaded version's inputs/outputs differ from the model's latest version; the detail names each
     * difference. Send {@code allowSignatureChange=true} when the change is intended.
     */
    public static final String SIGNATURE_CHANGED = BASE + "signature-changed";
    /** The version serves at least one device profile; the detail names them. Promote or roll back first. */
    public static final String VERSION_SERVING = BASE + "version-serving";
    /** The version is archived: it is never promoted or served. */
    public static final String VERSION_ARCHIVED = BASE + "version-archived";
    /** Method not allowed, unsupported media type and similar protocol errors. */
    public static final String UNSUPPORTED_REQUEST = BASE + "unsupported-request";
    /** Object storage, database or broker is unavailable. */
    public static final String UNAVAILABLE = BASE + "service-unavailable";
    /** Unexpected server error; the detail never leaks internals. */
    public static final String INTERNAL = BASE + "internal-error";

    private ProblemTypes() {
    }
}
