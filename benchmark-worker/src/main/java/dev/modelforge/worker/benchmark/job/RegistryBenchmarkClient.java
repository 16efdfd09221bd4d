package dev.modelforge.worker.benchmark.job;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.profile.DeviceProfile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The registry endpoints the worker calls (base URL: {@code quarkus.rest-client.registry.url}). */
@RegisterRestClient(configKey = "registry")
@Path("/api/v1")
public interface RegistryBenchmarkClient {

    /**
     * Stores a result; the registry treats a repeated {@code jobId} as already done.
     *
     * @param variantId measured variant
     * @param result    the result
     */
    @POST
    @Path("/variants/{id}/benchmarks")
    @Consumes(MediaType.APPLICATION_JSON)
    void postResult(@PathParam("id") String variantId, BenchmarkResult result);

    /**
     * @param name profile name
     * @return the profile's current revision
     */
    @GET
    @Path("/device-profiles/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    DeviceProfile profile(@PathParam("name") String name);
}
