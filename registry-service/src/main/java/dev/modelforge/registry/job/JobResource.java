package dev.modelforge.registry.job;

import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.JobFailure;
import dev.modelforge.api.job.JobProgress;
import dev.modelforge.api.job.Leases;
import dev.modelforge.api.variant.VariantRegistration;
import dev.modelforge.registry.auth.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Worker-facing job endpoints: role {@code worker} (or admin) only, and every report after the claim only from the
 * holder of the job's lease ({@link JobLeases}; the token travels in {@link Leases#TOKEN_HEADER}). Every call is keyed
 * by the job id and safe to repeat.
 */
@Path("/api/v1/jobs/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    @Inject
    JobService jobs;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.READER)
    public CompressionJob get(@PathParam("id") String id) {
        return jobs.get(id);
    }

    /** Answers the job, with the lease token and expiry in the {@link Leases} headers. */
    @POST
    @Path("claim")
    @RolesAllowed(Roles.WORKER)
    public Response claim(@PathParam("id") String id, JobClaim claim) {
        return leased(jobs.claim(id, claim, JobLeases.claimant(identity, null)));
    }

    /** Also the heartbeat: answers the lease's new expiry in {@link Leases#EXPIRES_HEADER}. */
    @POST
    @Path("progress")
    @RolesAllowed(Roles.WORKER)
    public Response progress(@PathParam("id") String id, @HeaderParam(Leases.TOKEN_HEADER) String token,
                             JobProgress progress) {
        return leased(jobs.progress(id, progress, JobLeases.claimant(identity, token)));
    }

    @POST
    @Path("fail")
    @RolesAllowed(Roles.WORKER)
    public CompressionJob fail(@PathParam("id") String id, @HeaderParam(Leases.TOKEN_HEADER) String token,
                               JobFailure failure) {
        return jobs.fail(id, failure, JobLeases.claimant(identity, token));
    }

    /** 201 with the new variant, or 200 with the variant already registered for this job. */
    @POST
    @Path("variant")
    @RolesAllowed(Roles.WORKER)
    public Response variant(@PathParam("id") String id, @HeaderParam(Leases.TOKEN_HEADER) String token,
                            VariantRegistration registration) {
        JobService.Registration r = jobs.registerVariant(id, registration, JobLeases.claimant(identity, token));
        return Response.status(r.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(r.variant()).build();
    }

    private static Response leased(JobService.Leased leased) {
        Response.ResponseBuilder answer = Response.ok(leased.job())
                .header(Leases.EXPIRES_HEADER, leased.lease().expiresAt().toString());
        if (leased.lease().token() != null) {
            answer.header(Leases.TOKEN_HEADER, leased.lease().token());
        }
        return answer.build();
    }
}
