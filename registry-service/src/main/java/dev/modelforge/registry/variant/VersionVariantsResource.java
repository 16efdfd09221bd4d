package dev.modelforge.registry.variant;

import dev.modelforge.api.variant.Variant;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.job.VersionJobsResource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The variants of one model version, the baseline included. */
@Path("/api/v1/models/{name}/versions/{version}/variants")
@Produces(MediaType.APPLICATION_JSON)
public class VersionVariantsResource {

    @Inject
    VariantService variants;

    @GET
    @RolesAllowed(Roles.READER)
    public List<Variant> list(@PathParam("name") String name, @PathParam("version") int version) {
        return variants.listFor(VersionJobsResource.lookup(name, version));
    }
}
