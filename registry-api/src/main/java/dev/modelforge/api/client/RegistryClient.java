package dev.modelforge.api.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.modelforge.api.auth.ApiKeyCreated;
import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.DeadLetterReplay;
import dev.modelforge.api.job.DeadLetteredJob;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.api.promotion.PromoteRequest;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.ReviewRequest;
import dev.modelforge.api.promotion.RollbackRequest;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.auth.ApiKeyDto;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.RotateApiKeyRequest;
import dev.modelforge.api.model.CreateModelRequest;
import dev.modelforge.api.model.ModelDto;
import dev.modelforge.api.model.PageDto;
import dev.modelforge.api.model.UpdateModelRequest;
import dev.modelforge.api.problem.Problem;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.api.version.SourceMetadata;
import dev.modelforge.api.version.UploadHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Typed client of the registry's REST API over {@code java.net.http}. Thread-safe; every method throws
 * {@link RegistryClientException} with the server's problem document when the call fails.
 */
public final class RegistryClient {
    private static final String JSON = "application/json";

    private final URI baseUri;
    private final String apiKey;
    private final HttpClient http;
    private final ObjectMapper json;
    /** Longest wait for an answer's headers (uploads excepted), or null to wait for ever. */
    private final Duration requestTimeout;

    /**
     * @param baseUri registry base URL, e.g. {@code http://localhost:8080}
     * @param apiKey  API key sent as bearer token, may be null for anonymous calls
     */
    public RegistryClient(URI baseUri, String apiKey) {
        // HTTP/1.1: an h2c upgrade would put multi-GB uploads under HTTP/2's small flow-control windows.
        this(baseUri, apiKey, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /**
     * @param baseUri registry base URL
     * @param apiKey  API key, may be null
     * @param http    the HTTP client to use; it must not follow redirects for {@link #artifactUri}
     */
    public RegistryClient(URI baseUri, String apiKey, HttpClient http) {
        this(baseUri, apiKey, http, null);
    }

    private RegistryClient(URI baseUri, String apiKey, HttpClient http, Duration requestTimeout) {
        String s = baseUri.toString();
        this.baseUri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.apiKey = apiKey;
        this.http = http;
        this.json = objectMapper();
        this.requestTimeout = requestTimeout;
    }

    /**
     * A client that gives up on a call whose answer has not begun within {@code timeout} (a server that
     * accepts connections and never answers would otherwise hang the caller). Uploads are exempt: their answer
     * comes only after the whole body has been received and checked. Download bodies are not bounded either.
     *
     * @param timeout how long to wait for an answer's headers
     * @return a client sharing this one's HTTP client and key
     */
    public RegistryClient withRequestTimeout(Duration timeout) {
        return new RegistryClient(baseUri, apiKey, http, timeout);
    }

    /** @return an ObjectMapper configured like the registry's (ISO instants, unknown fields ignored) */
    public static ObjectMapper objectMapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** @return the registry base URL */
    public URI baseUri() {
        return baseUri;
    }

    /**
     * @param request the model to create
     * @return the created model
     */
    public ModelDto createModel(CreateModelRequest request) {
        return send(jsonRequest("/api/v1/models").POST(body(request)), ModelDto.class);
    }

    /**
     * @param name model name
     * @return the model
     */
    public ModelDto getModel(String name) {
        return send(request("/api/v1/models/" + segment(name)).GET(), ModelDto.class);
    }

    /**
     * @param name   model name
     * @param update fields to change
     * @return the updated model
     */
    public ModelDto updateModel(String name, UpdateModelRequest update) {
        return send(jsonRequest("/api/v1/models/" + segment(name)).method("PATCH", body(update)), ModelDto.class);
    }

    /**
     * @param prefix name prefix, may be null
     * @param tag    required tag, may be null
     * @param page   zero-based page
     * @param size   page size
     * @return one page of models
     */
    public PageDto<ModelDto> listModels(String prefix, String tag, int page, int size) {
        var q = new StringJoiner("&", "?", "");
        if (prefix != null) {
            q.add("prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8));
        }
        if (tag != null) {
            q.add("tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8));
        }
        q.add("page=" + page).add("size=" + size);
        return send(request("/api/v1/models" + q).GET(), new TypeReference<>() { });
    }

    /**
     * @param name            model name
     * @param includeArchived also list archived versions
     * @return the versions, oldest first
     */
    public List<ModelVersionDto> listVersions(String name, boolean includeArchived) {
        return send(request("/api/v1/models/" + segment(name) + "/versions?includeArchived=" + includeArchived)
                .GET(), new TypeReference<>() { });
    }

    /**
     * @param name    model name
     * @param version version number
     * @return the version
     */
    public ModelVersionDto getVersion(String name, int version) {
        return send(request(versionPath(name, version)).GET(), ModelVersionDto.class);
    }

    /**
     * Archives a version (it stays readable, but is hidden from default listings).
     *
     * @param name    model name
     * @param version version number
     * @return the archived version
     */
    public ModelVersionDto archiveVersion(String name, int version) {
        return send(request(versionPath(name, version)).DELETE(), ModelVersionDto.class);
    }

    /**
     * Asks where the artifact can be downloaded: the presigned URL of the registry's redirect.
     *
     * @param name    model name
     * @param version version number
     * @return the presigned URL
     */
    public URI artifactUri(String name, int version) {
        HttpResponse<String> r = exchange(request(versionPath(name, version) + "/artifact").GET(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302) {
            throw failure(r.statusCode(), r.body());
        }
        return URI.create(r.headers().firstValue("Location").orElseThrow());
    }

    /**
     * Where a file of a model-directory variant is (a presigned storage URL the registry redirects to).
     *
     * @param variantId the variant
     * @param path      the file's path in the directory, e.g. {@code model.onnx.data}
     * @return the URL to fetch it from
     */
    public URI variantFileUri(String variantId, String path) {
        return redirectTarget("/api/v1/variants/" + query(variantId) + "/artifact/files/" + pathSegments(path));
    }

    /**
     * Where a file of a model-directory version is (a presigned storage URL the registry redirects to).
     *
     * @param name    model name
     * @param version version number
     * @param path    the file's path in the directory
     * @return the URL to fetch it from
     */
    public URI versionFileUri(String name, int version, String path) {
        return redirectTarget("/api/v1/models/" + segment(name) + "/versions/" + version + "/artifact/files/"
                + pathSegments(path));
    }

    private static String pathSegments(String path) {
        return java.util.Arrays.stream(path.split("/")).map(RegistryClient::segment)
                .collect(java.util.stream.Collectors.joining("/"));
    }

    private URI redirectTarget(String path) {
        HttpResponse<String> r = exchange(request(path).GET(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302) {
            throw failure(r.statusCode(), r.body());
        }
        return URI.create(r.headers().firstValue("Location").orElseThrow(
                () -> new RegistryClientException("redirect without Location", 302, null, null)));
    }

    /**
     * Asks where a variant's file can be downloaded (any variant, promoted or not).
     *
     * @param variantId the variant
     * @return the presigned URL of the registry's redirect
     */
    public URI variantArtifactUri(String variantId) {
        HttpResponse<String> r = exchange(request("/api/v1/variants/" + query(variantId) + "/artifact").GET(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302) {
            throw failure(r.statusCode(), r.body());
        }
        return URI.create(r.headers().firstValue("Location").orElseThrow());
    }

    /**
     * Creates an API key (needs an admin key).
     *
     * @param request name and role
     * @return the key, with its plaintext secret
     */
    public ApiKeyCreated createApiKey(CreateApiKeyRequest request) {
        return send(jsonRequest("/api/v1/api-keys").POST(body(request)), ApiKeyCreated.class);
    }

    /** @return the active API keys, without secrets (needs an admin key) */
    public List<ApiKeyDto> listApiKeys() {
        return send(request("/api/v1/api-keys").GET(), new TypeReference<List<ApiKeyDto>>() { });
    }

    /**
     * Revokes an API key (needs an admin key); it stops working within the registry's key-cache bound (1 s).
     *
     * @param id key id
     */
    public void revokeApiKey(long id) {
        HttpResponse<String> r = exchange(request("/api/v1/api-keys/" + id).DELETE(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw failure(r.statusCode(), r.body());
        }
    }

    /**
     * Gives an API key a new secret (needs an admin key); the old one keeps working for the grace period.
     *
     * @param id      key id
     * @param request grace period, may be null for the registry's default
     * @return the key, with its new plaintext secret
     */
    public ApiKeyCreated rotateApiKey(long id, RotateApiKeyRequest request) {
        return send(jsonRequest("/api/v1/api-keys/" + id + "/rotate")
                .POST(body(request == null ? new RotateApiKeyRequest(null) : request)), ApiKeyCreated.class);
    }

    /**
     * Uploads a model version, streaming the files. Without datasets the body is the raw ONNX file
     * ({@code application/octet-stream}, metadata in headers, the declared SHA-256 if any as
     * {@code Repr-Digest}), the registry's most efficient path;
     * with datasets it is a streamed {@code multipart/form-data} body.
     *
     * @param upload   what to upload
     * @param progress progress callback
     * @return the version and whether it was newly created
     */
    public UploadResult upload(UploadRequest upload, UploadProgress progress) {
        return upload(upload, null, progress);
    }

    /**
     * Uploads a model directory (model.onnx plus its external-data files) as a new version: {@code tar} is the
     * directory packed as a tar stream, sent as the raw body ({@code application/x-tar}) or, with datasets, as the
     * {@code model} part of a multipart body; never held in memory. {@code upload.modelFile()} and
     * {@code upload.sha256()} are not used.
     *
     * @param upload   metadata, datasets, idempotency key
     * @param tar      the packed directory
     * @param progress progress callback
     * @return the version and whether it was newly created
     */
    public UploadResult uploadDirectory(UploadRequest upload, StreamedModel tar, UploadProgress progress) {
        return upload(upload, tar, progress);
    }

    private UploadResult upload(UploadRequest upload, StreamedModel streamed, UploadProgress progress) {
        HttpRequest.Builder b = request("/api/v1/models/" + segment(upload.modelName()) + "/versions"
                + (upload.allowSignatureChange() ? "?" + UploadHeaders.ALLOW_SIGNATURE_CHANGE_PARAM + "=true" : ""),
                null);
        if (upload.idempotencyKey() != null) {
            b.header(UploadHeaders.IDEMPOTENCY_KEY, upload.idempotencyKey());
        }
        long length;
        Supplier<InputStream> body;
        try {
            if (upload.hasDatasets()) {
                var multipart = new MultipartBody();
                if (upload.metadata() != null) {
                    multipart.text("metadata", JSON, json.writeValueAsString(upload.metadata()));
                }
                if (streamed != null) {
                    multipart.stream("model", streamed);
                } else {
                    multipart.file("model", upload.modelFile(), "application/octet-stream");
                }
                if (upload.evalFile() != null) {
                    multipart.file("eval", upload.evalFile(), "application/octet-stream");
                }
                if (upload.calibrationFile() != null) {
                    multipart.file("calibration", upload.calibrationFile(), "application/octet-stream");
                }
                multipart.finish();
                b.header("Content-Type", multipart.contentType());
                length = multipart.length();
                body = multipart::open;
            } else if (streamed != null) {
                metadataHeaders(b, upload.metadata());
                b.header("Content-Type", streamed.contentType());
                length = streamed.length();
                body = streamed.open();
            } else {
                metadataHeaders(b, upload.metadata());
                b.header("Content-Type", "application/octet-stream");
                if (upload.sha256() != null) {
                    b.header(UploadHeaders.REPR_DIGEST, UploadHeaders.reprDigest(upload.sha256()));
                }
                length = Files.size(upload.modelFile());
                Path file = upload.modelFile();
                body = () -> {
                    try {
                        return Files.newInputStream(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
            }
        } catch (IOException e) {
            throw new RegistryClientException("cannot read upload file: " + e.getMessage(), 0, null, e);
        }
        long total = length;
        b.POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ProgressInputStream(body.get(), progress, total)), total));
        HttpResponse<String> r = exchange(b, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw failure(r.statusCode(), r.body());
        }
        return new UploadResult(read(r.body(), ModelVersionDto.class), r.statusCode() == 201);
    }

    // ---- Pipeline: jobs, variants, benchmarks (issues 5, 6) ----

    /** @return the compression jobs of a version */
    public List<CompressionJob> listJobs(String name, int version) {
        return send(request(versionPath(name, version) + "/jobs").GET(), new TypeReference<>() { });
    }

    /** @return the benchmark jobs of a version, one per (variant, profile) */
    public List<BenchmarkJobView> listBenchmarkJobs(String name, int version) {
        return send(request(versionPath(name, version) + "/benchmark-jobs").GET(), new TypeReference<>() { });
    }

    /** @return the variants of a version, the baseline included */
    public List<Variant> listVariants(String name, int version) {
        return send(request(versionPath(name, version) + "/variants").GET(), new TypeReference<>() { });
    }

    /** @return one variant */
    public Variant getVariant(String id) {
        return send(request("/api/v1/variants/" + segment(id)).GET(), Variant.class);
    }

    /** @return the benchmark results of a variant, on every profile */
    public List<BenchmarkResult> listBenchmarks(String variantId) {
        return send(request("/api/v1/variants/" + segment(variantId) + "/benchmarks").GET(), new TypeReference<>() { });
    }

    // ---- Job dead letters (issue 15) ----

    /**
     * Lists a job dead-letter topic (admin).
     *
     * @param topic {@code compression-jobs} or {@code benchmark-jobs}
     * @param limit the newest this many records
     * @return the records, oldest first, with each job's current status
     */
    public List<DeadLetteredJob> listDeadLetters(String topic, int limit) {
        return send(request("/api/v1/admin/dead-letters/" + segment(topic) + "?limit=" + limit).GET(),
                new TypeReference<>() { });
    }

    /**
     * Re-queues the dead-lettered jobs of a topic that have not succeeded since (admin).
     *
     * @param topic {@code compression-jobs} or {@code benchmark-jobs}
     * @return what was done per job
     */
    public DeadLetterReplay replayDeadLetters(String topic) {
        return send(request("/api/v1/admin/dead-letters/" + segment(topic) + "/replay")
                .POST(HttpRequest.BodyPublishers.noBody()), DeadLetterReplay.class);
    }

    // ---- Device profiles (issue 5) ----

    /** @return every device profile */
    public List<DeviceProfile> listProfiles() {
        return send(request("/api/v1/device-profiles").GET(), new TypeReference<>() { });
    }

    /** @return for each active profile, whether a live benchmark worker serves it */
    public List<dev.modelforge.api.benchmark.BenchmarkWorkers> benchmarkWorkers() {
        return send(request("/api/v1/benchmark-workers").GET(), new TypeReference<>() { });
    }

    /** @return one device profile */
    public DeviceProfile getProfile(String name) {
        return send(request("/api/v1/device-profiles/" + segment(name)).GET(), DeviceProfile.class);
    }

    /** Creates or replaces a profile (admin). @return the stored profile */
    public DeviceProfile putProfile(String name, DeviceProfile profile) {
        return send(jsonRequest("/api/v1/device-profiles/" + segment(name)).PUT(body(profile)), DeviceProfile.class);
    }

    /** Deletes a profile (admin). */
    public void deleteProfile(String name) {
        HttpResponse<String> r = exchange(request("/api/v1/device-profiles/" + segment(name)).DELETE(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw failure(r.statusCode(), r.body());
        }
    }

    // ---- Promotion (issue 7) ----

    /** @return the variant serving the named profile */
    public BestVariant best(String name, String device) {
        return send(request("/api/v1/models/" + segment(name) + "/best?device=" + query(device)).GET(),
                BestVariant.class);
    }

    /**
     * The variant for a described device; the registry picks the best-matching profile and says which.
     *
     * @param description query parameters {@code arch, cores, memoryMb, isa, accelerator}; null values are left out
     */
    public BestVariant bestFor(String name, Map<String, String> description) {
        var q = new StringJoiner("&", "?", "");
        description.forEach((k, v) -> {
            if (v != null) {
                q.add(k + "=" + query(v));
            }
        });
        return send(request("/api/v1/models/" + segment(name) + "/best" + q).GET(), BestVariant.class);
    }

    /** @return a version's candidates on a profile, Pareto-optimal ones marked */
    public List<ParetoPoint> pareto(String name, int version, String device) {
        return send(request(versionPath(name, version) + "/pareto?device=" + query(device)).GET(),
                new TypeReference<>() { });
    }

    /**
     * @param device null for every profile
     * @param at     null, or the instant whose serving variant is asked for (needs device)
     * @return the promotion log, newest first
     */
    public List<Promotion> promotions(String name, String device, String at) {
        var q = new StringJoiner("&", "?", "").setEmptyValue("");
        if (device != null) {
            q.add("device=" + query(device));
        }
        if (at != null) {
            q.add("at=" + query(at));
        }
        return send(request("/api/v1/models/" + segment(name) + "/promotions" + q).GET(), new TypeReference<>() { });
    }

    /** Manual promotion (promoter). @return the new record */
    public Promotion promote(String name, PromoteRequest promote) {
        return send(jsonRequest("/api/v1/models/" + segment(name) + "/promotions").POST(body(promote)),
                Promotion.class);
    }

    /** Back to the previously serving variant (promoter). @return the new record */
    public Promotion rollback(String name, RollbackRequest rollback) {
        return send(jsonRequest("/api/v1/models/" + segment(name) + "/promotions/rollback").POST(body(rollback)),
                Promotion.class);
    }

    /** Approves or rejects a pending decision (promoter). @return the reviewed record */
    public Promotion review(String promotionId, boolean approve, ReviewRequest review) {
        return send(jsonRequest("/api/v1/promotions/" + segment(promotionId) + (approve ? "/approve" : "/reject"))
                .POST(body(review == null ? new ReviewRequest(null) : review)), Promotion.class);
    }

    /**
     * Opens a presigned download URL (no API key is sent: the signature is the credential).
     *
     * @return the body stream; the caller closes it
     */
    public InputStream download(URI presigned) {
        HttpRequest.Builder b = HttpRequest.newBuilder(presigned).GET();
        if (requestTimeout != null) {
            b.timeout(requestTimeout);
        }
        HttpResponse<InputStream> r = exchange(b, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            try (InputStream body = r.body()) {
                throw failure(r.statusCode(), new String(body.readNBytes(2000), StandardCharsets.UTF_8), false);
            } catch (IOException e) {
                throw failure(r.statusCode(), null, false);
            }
        }
        return r.body();
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void metadataHeaders(HttpRequest.Builder b, SourceMetadata m) {
        if (m == null) {
            return;
        }
        if (m.gitSha() != null) {
            b.header(UploadHeaders.GIT_SHA, m.gitSha());
        }
        if (m.pipelineUrl() != null) {
            b.header(UploadHeaders.PIPELINE_URL, m.pipelineUrl());
        }
        if (m.framework() != null) {
            b.header(UploadHeaders.FRAMEWORK, m.framework());
        }
        if (m.labels() != null && !m.labels().isEmpty()) {
            var joiner = new StringJoiner(",");
            for (Map.Entry<String, String> e : m.labels().entrySet()) {
                joiner.add(e.getKey() + "=" + e.getValue());
            }
            b.header(UploadHeaders.LABELS, joiner.toString());
        }
    }

    private String versionPath(String name, int version) {
        return "/api/v1/models/" + segment(name) + "/versions/" + version;
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return request(path, requestTimeout);
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUri + path)).header("Accept", JSON);
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private HttpRequest.Builder jsonRequest(String path) {
        return request(path).header("Content-Type", JSON);
    }

    private HttpRequest.BodyPublisher body(Object value) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T send(HttpRequest.Builder b, Class<T> type) {
        HttpResponse<String> r = exchange(b, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw failure(r.statusCode(), r.body());
        }
        return read(r.body(), type);
    }

    private <T> T send(HttpRequest.Builder b, TypeReference<T> type) {
        HttpResponse<String> r = exchange(b, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw failure(r.statusCode(), r.body());
        }
        try {
            return json.readValue(r.body(), type);
        } catch (IOException e) {
            throw notJson(r.statusCode(), r.body(), e);
        }
    }

    private <T> T read(String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (IOException e) {
            throw notJson(200, body, e);
        }
    }

    /** A 2xx answer that is not the JSON the call expects: another service (a web page) at the base URL. */
    private RegistryClientException notJson(int status, String body, IOException e) {
        return new NotARegistryException("the server at " + baseUri + " answered " + status + " with something"
                + " other than the registry's JSON" + (body == null || body.isBlank() ? "" : ": "
                + abbreviate(body.strip(), 80)), status, e);
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(b.build(), handler);
        } catch (ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw new RegistryClientException("cannot reach the registry at " + baseUri
                    + " (is it running? check --url / MODELFORGE_URL)", 0, null, e);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new RegistryClientException("the registry at " + baseUri + " did not answer within "
                    + b.build().timeout().map(d -> d.toSeconds() + " s").orElse("the time allowed"), 0, null, e);
        } catch (java.net.ProtocolException e) {
            throw new NotARegistryException("the server at " + baseUri + " does not answer HTTP ("
                    + e.getMessage() + ")", 0, e);
        } catch (IOException e) {
            // e's message only: its class name means nothing to the person reading this
            throw new RegistryClientException("request to " + baseUri + " failed: "
                    + (e.getMessage() == null ? "the connection broke off" : e.getMessage()), 0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryClientException("interrupted", 0, null, e);
        }
    }

    private RegistryClientException failure(int status, String body) {
        return failure(status, body, true);
    }

    /** @param fromBaseUri the answer came from the registry's URL (not a presigned storage URL) */
    private RegistryClientException failure(int status, String body, boolean fromBaseUri) {
        if (fromBaseUri && (status == 404 || status == 405) && body != null && !body.isBlank()
                && !body.strip().startsWith("{")) {
            // The registry answers every 404/405 with problem+json; a page means another server at this URL.
            return new NotARegistryException("the server at " + baseUri + " answered " + status
                    + " with a page, not a registry problem: " + abbreviate(body.strip(), 80), status, null);
        }
        Problem problem = null;
        try {
            if (body != null && body.startsWith("{")) {
                problem = json.readValue(body, Problem.class);
            }
        } catch (IOException ignored) {
            // Not a problem document (a proxy's error page, say): report the status alone.
        }
        String message = problem != null && problem.detail() != null
                ? "registry answered " + status + ": " + problem.detail()
                : "registry answered " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body));
        return new RegistryClientException(message, status, problem, null);
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 300);
    }

    private static String abbreviate(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "…" : s;
    }
}
