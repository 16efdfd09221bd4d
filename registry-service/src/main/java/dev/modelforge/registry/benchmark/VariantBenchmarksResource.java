package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.job.Leases;
import dev.modelforge.registry.job.JobLeases;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.HeaderParam;
import dev.modelforge.registry.variant.VariantService;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.UUID;

/**
 * Benchmark results of one variant: the worker holding the job's lease posts (role {@code worker}, token in
 * {@link Leases#TOKEN_HEADER}), readers list.
 */
@Path("/api/v1/variants/{id}/benchmarks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class VariantBenchmarksResource {

    @Inject
    BenchmarkJobs jobs;

    @Inject
    VariantService variants;

    @Inject
    SecurityIdentity identity;

    /** 201 with the stored result the first time, 200 with the same stored result on a repeat of the job id. */
    @POST
    @RolesAllowed(Roles.WORKER)
    public Response post(@PathParam("id") String variantId, @HeaderParam(Leases.TOKEN_HEADER) String token,
                         BenchmarkResult result) {
        BenchmarkJobs.Recorded r = jobs.record(variantId, result, JobLeases.claimant(identity, token));
        return Response.status(r.created() ? 201 : 200).entity(r.result()).build();
    }

    @GET
    @RolesAllowed(Roles.READER)
    public List<BenchmarkResult> list(@PathParam("id") String variantId) {
        UUID id = BenchmarkJobs.parse(variantId).orElseThrow(() -> VariantService.notFound(variantId));
        variants.get(id);
        return jobs.results(id);
    }
}
