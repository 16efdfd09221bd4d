package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.RebenchmarkRequest;
import dev.modelforge.api.benchmark.RebenchmarkResponse;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Re-queues a profile's benchmarks measured with another ONNX Runtime version (admin). */
@Path("/api/v1/device-profiles/{name}/rebenchmark")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RebenchmarkResource {

    @Inject
    Rebenchmark rebenchmark;

    @POST
    @RolesAllowed(Roles.ADMIN)
    public RebenchmarkResponse post(@PathParam("name") String name, RebenchmarkRequest body) {
        return rebenchmark.requeue(name, body == null ? null : body.runtimeVersion());
    }
}
