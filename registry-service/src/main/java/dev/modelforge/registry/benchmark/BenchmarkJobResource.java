package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.Leases;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.job.JobLeases;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * One benchmark job: its state, the worker's start signal (queued → running, which grants the lease) and its
 * heartbeat. Role {@code worker} (or admin); the heartbeat only from the lease's holder ({@link JobLeases}).
 */
@Path("/api/v1/benchmark-jobs/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BenchmarkJobResource {

    @Inject
    BenchmarkJobs jobs;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.READER)
    public BenchmarkJobView get(@PathParam("id") String id) {
        return jobs.get(id);
    }

    /**
     * Answers the job with the lease token and expiry in the {@link Leases} headers; 409 benchmark-job-finished when
     * the result is already in, 409 lease-held while another worker's lease is live: the worker drops the message.
     */
    @POST
    @Path("start")
    @RolesAllowed(Roles.WORKER)
    public Response start(@PathParam("id") String id, JobClaim claim) {
        return leased(jobs.start(id, claim == null ? null : claim.workerId(), JobLeases.claimant(identity, null)));
    }

    /** Extends the lease while the worker measures; answers the new expiry in {@link Leases#EXPIRES_HEADER}. */
    @POST
    @Path("heartbeat")
    @RolesAllowed(Roles.WORKER)
    public Response heartbeat(@PathParam("id") String id, @HeaderParam(Leases.TOKEN_HEADER) String token) {
        return leased(jobs.heartbeat(id, JobLeases.claimant(identity, token)));
    }

    private static Response leased(BenchmarkJobs.Leased leased) {
        Response.ResponseBuilder answer = Response.ok(leased.job())
                .header(Leases.EXPIRES_HEADER, leased.lease().expiresAt().toString());
        if (leased.lease().token() != null) {
            answer.header(Leases.TOKEN_HEADER, leased.lease().token());
        }
        return answer.build();
    }
}
