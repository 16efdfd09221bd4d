package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.job.JobClaim;
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

/** One benchmark job: its state, and the worker's start signal (queued → running). */
@Path("/api/v1/benchmark-jobs/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BenchmarkJobResource {

    @Inject
    BenchmarkJobs jobs;

    @GET
    @RolesAllowed(Roles.READER)
    public BenchmarkJobView get(@PathParam("id") String id) {
        return jobs.get(id);
    }

    /** 409 benchmark-job-finished when the result is already in: the worker drops the message. */
    @POST
    @Path("start")
    @RolesAllowed(Roles.UPLOADER)
    public BenchmarkJobView start(@PathParam("id") String id, JobClaim claim) {
        return jobs.start(id, claim == null ? null : claim.workerId());
    }
}
