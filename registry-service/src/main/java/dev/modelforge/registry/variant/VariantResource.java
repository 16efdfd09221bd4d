package dev.modelforge.registry.variant;

import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.version.UploadHeaders;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.registry.artifact.Artifact;
import dev.modelforge.registry.artifact.ArtifactFile;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.storage.ObjectStorage;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.UUID;

/** One variant by id, and its file. Reading is not owner-restricted: any reader may inspect or download. */
@Path("/api/v1/variants/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class VariantResource {

    @Inject
    VariantService variants;

    @Inject
    ObjectStorage storage;

    @GET
    @RolesAllowed(Roles.READER)
    public Variant get(@PathParam("id") String id) {
        return variants.get(uuid(id));
    }

    /**
     * Download of any variant, promoted or not (to inspect or hand-deploy a candidate): a redirect to a presigned
     * storage URL whose response names the file, with the sha256 to verify it, as a version's download does.
     */
    @GET
    @Path("artifact")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed(Roles.READER)
    @Transactional
    public Response artifact(@PathParam("id") String id) {
        VariantEntity v = VariantEntity.<VariantEntity>findByIdOptional(uuid(id))
                .orElseThrow(() -> VariantService.notFound(id));
        return Response.status(Response.Status.FOUND)
                .location(URI.create(storage.presignedGet(v.artifact.storageKey, v.downloadName())))
                .header(UploadHeaders.CHECKSUM_SHA256, v.artifact.sha256)
                .header("Repr-Digest", UploadHeaders.reprDigest(v.artifact.sha256)).build();
    }

    /**
     * One file of a model-directory variant ({@code model.onnx} or an external-data file) by its path in the
     * directory: a redirect to a presigned storage URL, with its sha256. 404 for a single-file variant or an unknown
     * path.
     */
    @GET
    @Path("artifact/files/{path: .+}")
    @Produces(MediaType.WILDCARD)
    @RolesAllowed(Roles.READER)
    @Transactional
    public Response artifactFile(@PathParam("id") String id, @PathParam("path") String filePath) {
        VariantEntity v = VariantEntity.<VariantEntity>findByIdOptional(uuid(id))
                .orElseThrow(() -> VariantService.notFound(id));
        ArtifactFile file = v.artifact.files.stream().filter(f -> f.path.equals(filePath)).findFirst()
                .orElseThrow(() -> new ProblemException(404, ProblemTypes.NOT_FOUND, "Not found", "variant " + id
                        + " has no file '" + filePath + "'" + (v.artifact.isDirectory() ? "" : " (it is a single file)")));
        String name = filePath.substring(filePath.lastIndexOf('/') + 1);
        return Response.status(Response.Status.FOUND)
                .location(URI.create(storage.presignedGet(Artifact.keyFor(file.sha256), name)))
                .header(UploadHeaders.CHECKSUM_SHA256, file.sha256)
                .header("Repr-Digest", UploadHeaders.reprDigest(file.sha256)).build();
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw VariantService.notFound(id);
        }
    }
}
