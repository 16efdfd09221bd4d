package dev.modelforge.registry.variant;

import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.version.UploadHeaders;
import dev.modelforge.registry.auth.Roles;
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

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw VariantService.notFound(id);
        }
    }
}
