package dev.modelforge.api.version;

/** HTTP headers of the version upload and download endpoints. */
public final class UploadHeaders {
    /** Retry key: same model + same bytes + same key returns the existing version. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Raw upload: git commit of the training code. */
    public static final String GIT_SHA = "X-Modelforge-Git-Sha";
    /** Raw upload: URL of the pipeline run. */
    public static final String PIPELINE_URL = "X-Modelforge-Pipeline-Url";
    /** Raw upload: training framework. */
    public static final String FRAMEWORK = "X-Modelforge-Framework";
    /** Raw upload: labels as {@code k=v,k2=v2}. */
    public static final String LABELS = "X-Modelforge-Labels";
    /**
     * Raw upload (request) and download (response): RFC 9530 digest of the bytes, {@code sha-256=:<base64>:}.
     * An upload that declares it is stored at its content address directly (no server-side copy); the
     * registry still hashes every byte and refuses a mismatch.
     */
    public static final String REPR_DIGEST = "Repr-Digest";
    /**
     * Upload: {@code true} when the version intentionally changes the model's inputs/outputs. The same option is
     * accepted as the query parameter {@link #ALLOW_SIGNATURE_CHANGE_PARAM} and, in multipart uploads, as a form field
     * of that name.
     */
    public static final String ALLOW_SIGNATURE_CHANGE = "X-Modelforge-Allow-Signature-Change";
    /** Query parameter / multipart field equivalent of {@link #ALLOW_SIGNATURE_CHANGE}. */
    public static final String ALLOW_SIGNATURE_CHANGE_PARAM = "allowSignatureChange";
    /** Download: lower-case hex SHA-256 of the artifact. */
    public static final String CHECKSUM_SHA256 = "X-Checksum-Sha256";

    /**
     * @param sha256Hex lower-case hex SHA-256
     * @return the {@link #REPR_DIGEST} value for it
     */
    public static String reprDigest(String sha256Hex) {
        return "sha-256=:" + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(sha256Hex))
                + ":";
    }

    private UploadHeaders() {
    }
}
