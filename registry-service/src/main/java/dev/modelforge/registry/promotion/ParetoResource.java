package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.registry.job.VersionJobsResource;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** A version's candidates on a profile with latency, size and accuracy; the Pareto-optimal ones marked. */
@Path("/api/v1/models/{name}/versions/{version}/pareto")
@Produces(MediaType.APPLICATION_JSON)
public class ParetoResource {

    @Inject
    BestVariants best;

    @GET
    @RolesAllowed(Roles.READER)
    public List<ParetoPoint> get(@PathParam("name") String name, @PathParam("version") int version,
                                 @QueryParam("device") String device) {
        return best.pareto(VersionJobsResource.lookup(name, version), device);
    }
}
