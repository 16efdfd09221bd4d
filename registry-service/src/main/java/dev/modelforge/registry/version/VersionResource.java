package dev.modelforge.registry.version;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.version.ModelVersionDto;
import dev.modelforge.api.version.SourceMetadata;
import dev.modelforge.api.version.UploadHeaders;
import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.api.version.MediaTypes;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.artifact.ArtifactFile;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.model.ModelService;
import dev.modelforge.registry.ownership.OwnershipGuard;
import dev.modelforge.registry.storage.ObjectStorage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Versions of a model: upload (raw or multipart), list, read, archive, download. */
@Path("/api/v1/models/{name}/versions")
@Produces(MediaType.APPLICATION_JSON)
public class VersionResource {
    @Inject
    VersionUploadService uploads;

    @Inject
    VersionRegistrar registrar;

    @Inject
    ModelService models;

    @Inject
    ObjectStorage storage;

    @Inject
    SecurityIdentity identity;

    @Inject
    ObjectMapper json;

    @Inject
    UploadConfig config;

    @Inject
    MeterRegistry meters;

    @Inject
    OwnershipGuard ownership;

    /**
     * The efficient path: the body is the ONNX file, streamed from the socket to storage (never spooled),
     * metadata in {@code X-Modelforge-*} headers. The body is read through {@link RequestBodyStream} rather
     * than a JAX-RS {@code InputStream} parameter, so reception runs ahead of hashing and storing.
     */
    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @RolesAllowed(Roles.UPLOADER)
    public Response uploadRaw(@PathParam("name") String name, @Context HttpServerRequest request,
                              @BeanParam RawUploadHeaders headers,
                              @HeaderParam(UploadHeaders.REPR_DIGEST) String reprDigest, UriInfo uri) {
        String declared = declaredSha256(reprDigest);
        return receive(name, request, headers, uri, (body, uploader) -> uploads.uploadRaw(name, body,
                headers.contentLength, declared, headers.source(), key(headers.idempotencyKey), uploader));
    }

    /**
     * A model directory ({@code model.onnx} plus its external-data files, for models past protobuf's 2 GB limit) as
     * a tar stream in the body, streamed from the socket into storage file by file; metadata in headers as for
     * {@link #uploadRaw}.
     */
    @POST
    @Consumes(MediaTypes.TAR)
    @RolesAllowed(Roles.UPLOADER)
    public Response uploadDirectory(@PathParam("name") String name, @Context HttpServerRequest request,
                                    @BeanParam RawUploadHeaders headers, UriInfo uri) {
        return receive(name, request, headers, uri, (body, uploader) -> uploads.uploadDirectory(name, body,
                headers.contentLength, null, null, headers.source(), key(headers.idempotencyKey), uploader));
    }

    /** What a streamed upload's body goes into once the uploader is known. */
    @FunctionalInterface
    private interface BodyUpload {
        UploadOutcome upload(InputStream body, Uploader uploader);
    }

    private Response receive(String name, HttpServerRequest request, RawUploadHeaders headers, UriInfo uri,
                             BodyUpload upload) {
        Uploader uploader = uploader(name, headers.allowHeader, headers.allowParam, null);
        try (var body = RequestBodyStream.open(request, config.receiveBuffer().asLongValue(),
                config.bodyIdleTimeout(), meters.counter("modelforge.upload.receive.pauses"))) {
            return answer(upload.upload(body, uploader), uri);
        }
    }

    /** The metadata a streamed upload (file or directory) carries in its headers. */
    public static class RawUploadHeaders {
        @HeaderParam("Content-Length")
        @DefaultValue("-1")
        long contentLength;
        @HeaderParam(UploadHeaders.IDEMPOTENCY_KEY)
        String idempotencyKey;
        @HeaderParam(UploadHeaders.GIT_SHA)
        String gitSha;
        @HeaderParam(UploadHeaders.PIPELINE_URL)
        String pipelineUrl;
        @HeaderParam(UploadHeaders.FRAMEWORK)
        String framework;
        @HeaderParam(UploadHeaders.LABELS)
        String labels;
        @HeaderParam(UploadHeaders.ALLOW_SIGNATURE_CHANGE)
        String allowHeader;
        @QueryParam(UploadHeaders.ALLOW_SIGNATURE_CHANGE_PARAM)
        String allowParam;

        SourceMetadata source() {
            return new SourceMetadata(gitSha, pipelineUrl, framework, parseLabels(labels));
        }
    }

    /**
     * The multipart path ({@code model}, optional {@code eval}, {@code calibration}, {@code metadata} JSON).
     * Quarkus spools file parts to {@code quarkus.http.body.uploads-directory} before this runs and deletes
     * them when the request ends, so the disk holds each file once, temporarily. A {@code model} part of type
     * {@code application/x-tar} (or named {@code *.tar}) is a model directory.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Roles.UPLOADER)
    public Response uploadMultipart(@PathParam("name") String name, @RestForm("model") FileUpload model,
                                    @RestForm("eval") FileUpload eval,
                                    @RestForm("calibration") FileUpload calibration,
                                    @RestForm("metadata") String metadata,
                                    @RestForm(UploadHeaders.ALLOW_SIGNATURE_CHANGE_PARAM) String allowField,
                                    @HeaderParam(UploadHeaders.IDEMPOTENCY_KEY) String idempotencyKey,
                                    @HeaderParam(UploadHeaders.ALLOW_SIGNATURE_CHANGE) String allowHeader,
                                    @QueryParam(UploadHeaders.ALLOW_SIGNATURE_CHANGE_PARAM) String allowParam,
                                    UriInfo uri) {
        ModelService.requireValidName(name);
        Uploader uploader = uploader(name, allowHeader, allowParam, allowField);
        if (model != null && isTar(model)) {
            return answer(uploads.uploadDirectoryFile(name, path(model), path(eval), path(calibration),
                    parseMetadata(metadata), key(idempotencyKey), uploader), uri);
        }
        return answer(uploads.uploadFiles(name, path(model), path(eval), path(calibration), parseMetadata(metadata),
                key(idempotencyKey), uploader), uri);
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Transactional
    public List<ModelVersionDto> list(@PathParam("name") String name,
                                      @QueryParam("includeArchived") @DefaultValue("false") boolean includeArchived) {
        Model m = models.require(name);
        return ModelVersion.listFor(m, includeArchived).stream().map(ModelVersion::toDto).toList();
    }

    @GET
    @Path("{version}")
    @RolesAllowed(Roles.READER)
    @Transactional
    public ModelVersionDto get(@PathParam("name") String name, @PathParam("version") int version) {
        return require(name, version).toDto();
    }

    /**
     * Archives: the version stays (audit, downloads) but leaves default listings and is never promoted or served.
     * A promoter of an owning team (or admin); a version that serves a profile is refused with 409.
     */
    @DELETE
    @Path("{version}")
    @RolesAllowed(Roles.PROMOTER)
    public ModelVersionDto archive(@PathParam("name") String name, @PathParam("version") int version) {
        Actor actor = Actor.of(identity);
        ownership.requireOwner(models.require(name), actor);
        registrar.archive(name, version, actor);
        return get(name, version);
    }

    /**
     * Download: a redirect to a presigned storage URL, so bytes never pass through the registry; with
     * {@code redirect=false} the registry streams them itself (for clients that cannot reach storage).
     */
    @GET
    @Path("{version}/artifact")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed(Roles.READER)
    @Transactional
    public Response artifact(@PathParam("name") String name, @PathParam("version") int version,
                             @QueryParam("redirect") @DefaultValue("true") boolean redirect) {
        Artifact a = require(name, version).artifact;
        String fileName = name + "-v" + version + (a.isDirectory() ? ".manifest.json" : ".onnx");
        return serve(a.storageKey, a.sha256, a.sizeBytes, a.mediaType, fileName, redirect);
    }

    /**
     * One file of a model-directory version ({@code model.onnx} or an external-data file), by its path in the
     * directory; redirect or stream as {@link #artifact}. 404 for a single-file version or an unknown path.
     */
    @GET
    @Path("{version}/artifact/files/{path: .+}")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed(Roles.READER)
    @Transactional
    public Response artifactFile(@PathParam("name") String name, @PathParam("version") int version,
                                 @PathParam("path") String filePath,
                                 @QueryParam("redirect") @DefaultValue("true") boolean redirect) {
        Artifact a = require(name, version).artifact;
        ArtifactFile file = a.files.stream().filter(f -> f.path.equals(filePath)).findFirst()
                .orElseThrow(() -> new ProblemException(404, ProblemTypes.NOT_FOUND, "Not found",
                        "version " + version + " of '" + name + "' has no file '" + filePath + "'"
                                + (a.isDirectory() ? "" : " (it is a single-file model)")));
        String key = Artifact.keyFor(file.sha256);
        String fileName = filePath.substring(filePath.lastIndexOf('/') + 1);
        return serve(key, file.sha256, file.sizeBytes, MediaTypes.OCTET_STREAM, fileName, redirect);
    }

    private Response serve(String key, String sha256, long sizeBytes, String mediaType, String fileName,
                           boolean redirect) {
        Response.ResponseBuilder r;
        if (redirect) {
            r = Response.status(Response.Status.FOUND).location(URI.create(storage.presignedGet(key, fileName)));
        } else {
            StreamingOutput body = out -> {
                try (InputStream in = storage.open(key)) {
                    in.transferTo(out);
                }
            };
            r = Response.ok(body, mediaType).header("Content-Length", sizeBytes)
                    .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        }
        return r.header(UploadHeaders.CHECKSUM_SHA256, sha256).header("Repr-Digest", UploadHeaders.reprDigest(sha256))
                .build();
    }

    private static boolean isTar(FileUpload model) {
        String type = model.contentType() == null ? "" : model.contentType().toLowerCase(java.util.Locale.ROOT);
        String file = model.fileName() == null ? "" : model.fileName().toLowerCase(java.util.Locale.ROOT);
        return type.startsWith(MediaTypes.TAR) || file.endsWith(".tar");
    }

    private ModelVersion require(String name, int version) {
        Model m = models.require(name);
        return ModelVersion.findVersion(m, version).orElseThrow(() -> ProblemException.versionNotFound(name, version));
    }

    private Response answer(UploadOutcome outcome, UriInfo uri) {
        URI location = uri.getAbsolutePathBuilder().path(Integer.toString(outcome.version().version())).build();
        return Response.status(outcome.created() ? 201 : 200).location(location).entity(outcome.version()).build();
    }

    /**
     * The caller, checked against the model's owners before any byte is read (the registrar checks again under the
     * model's lock), and whether it declared a signature change by header, query parameter or form field.
     */
    private Uploader uploader(String name, String... allowSignatureChange) {
        Actor actor = Actor.of(identity);
        ModelService.requireValidName(name);
        ownership.requireMayUpload(name, actor);
        boolean allow = false;
        for (String value : allowSignatureChange) {
            if (value == null || value.isBlank()) {
                continue;
            }
            if (!value.trim().equalsIgnoreCase("true") && !value.trim().equalsIgnoreCase("false")) {
                throw ProblemException.invalidRequest(UploadHeaders.ALLOW_SIGNATURE_CHANGE_PARAM
                        + " must be true or false, got '" + value + "'");
            }
            allow |= Boolean.parseBoolean(value.trim());
        }
        return new Uploader(actor, allow);
    }

    private static String key(String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return null;
        }
        if (idempotencyKey.length() > 200) {
            throw ProblemException.invalidRequest("Idempotency-Key is longer than 200 characters");
        }
        return idempotencyKey.trim();
    }

    private static java.nio.file.Path path(FileUpload upload) {
        return upload == null ? null : upload.uploadedFile();
    }

    private SourceMetadata parseMetadata(String metadata) {
        if (metadata == null || metadata.isBlank()) {
            return SourceMetadata.empty();
        }
        try {
            return json.readValue(metadata, SourceMetadata.class);
        } catch (JsonProcessingException e) {
            throw ProblemException.invalidRequest("the 'metadata' part is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * The sha-256 member of an RFC 9530 {@code Repr-Digest} header as lower-case hex; null if the header is
     * absent or declares only other algorithms (which the registry does not verify, so it ignores them).
     */
    static String declaredSha256(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        for (String member : header.split(",")) {
            String m = member.trim();
            int eq = m.indexOf('=');
            if (eq < 0 || !m.substring(0, eq).trim().equalsIgnoreCase("sha-256")) {
                continue;
            }
            String value = m.substring(eq + 1).trim();
            byte[] digest = null;
            if (value.length() > 2 && value.startsWith(":") && value.endsWith(":")) {
                try {
                    digest = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
                } catch (IllegalArgumentException e) {
                    digest = null;
                }
            }
            if (digest == null || digest.length != 32) {
                throw ProblemException.invalidRequest(UploadHeaders.REPR_DIGEST
                        + " must carry sha-256=:<base64 of the 32-byte digest>:, got '" + m + "'");
            }
            return HexFormat.of().formatHex(digest);
        }
        return null;
    }

    static Map<String, String> parseLabels(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        var labels = new LinkedHashMap<String, String>();
        for (String pair : header.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw ProblemException.invalidRequest(UploadHeaders.LABELS + " must look like 'k=v,k2=v2', got '"
                        + pair.trim() + "'");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return labels;
    }
}
