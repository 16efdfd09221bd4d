package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The variant a device should run: by profile name ({@code ?device=arm64-mobile}) or by description
 * ({@code ?arch=arm64&cores=4&memoryMb=2048&isa=neon,dotprod}). Served from memory (see {@link BestVariantCache}).
 */
@Path("/api/v1/models/{name}/best")
@Produces(MediaType.APPLICATION_JSON)
public class BestVariantResource {

    @Inject
    BestVariants best;

    @GET
    @RolesAllowed(Roles.READER)
    public BestVariant get(@PathParam("name") String name, @QueryParam("device") String device,
                           @QueryParam("arch") String arch, @QueryParam("cores") Integer cores,
                           @QueryParam("memoryMb") Integer memoryMb, @QueryParam("isa") String isa,
                           @QueryParam("accelerator") String accelerator) {
        if (device != null && !device.isBlank()) {
            return best.byProfile(name, device);
        }
        return best.byDevice(name, DeviceResolver.Device.parse(arch, cores, memoryMb, isa, accelerator));
    }
}
