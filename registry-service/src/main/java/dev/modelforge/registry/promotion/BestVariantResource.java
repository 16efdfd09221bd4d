package dev.modelforge.registry.promotion;

import dev.modelforge.registry.auth.Roles;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The variant a device should run: by profile name ({@code ?device=arm64-mobile}) or by description
 * ({@code ?arch=arm64&cores=4&memoryMb=2048&isa=neon,dotprod}); {@code ?fields=variantId,sha256,downloadUrl} for a
 * compact answer; {@code If-None-Match} with the last {@code ETag} for a bodiless 304.
 *
 * <p>Fleets poll this hundreds of times a second, so it is a non-blocking method: a fresh snapshot in memory is
 * answered on the event loop; only a miss moves to a worker thread for the database read.
 */
@Path("/api/v1/models/{name}/best")
@Produces(MediaType.APPLICATION_JSON)
public class BestVariantResource {

    @Inject
    BestVariants best;

    @GET
    @RolesAllowed(Roles.READER)
    public Uni<Response> get(@PathParam("name") String name, @QueryParam("device") String device,
                             @QueryParam("arch") String arch, @QueryParam("cores") Integer cores,
                             @QueryParam("memoryMb") Integer memoryMb, @QueryParam("isa") String isa,
                             @QueryParam("accelerator") String accelerator, @QueryParam("fields") String fields,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        BestVariants.Query q = best.query(name, device, arch, cores, memoryMb, isa, accelerator, fields, ifNoneMatch);
        Response fast = best.fromMemory(q);
        if (fast != null) {
            return Uni.createFrom().item(fast);
        }
        return Uni.createFrom().item(() -> best.answer(q)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
