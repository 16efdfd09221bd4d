package dev.modelforge.registry.job;

import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.JobFailure;
import dev.modelforge.api.job.JobProgress;
import dev.modelforge.api.variant.VariantRegistration;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Worker-facing job endpoints. Workers authenticate with an {@code uploader} key (the role of machines that write
 * to the registry; promoter and admin include it), every call is keyed by the job id and safe to repeat.
 */
@Path("/api/v1/jobs/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {

    @Inject
    JobService jobs;

    @GET
    @RolesAllowed(Roles.READER)
    public CompressionJob get(@PathParam("id") String id) {
        return jobs.get(id);
    }

    @POST
    @Path("claim")
    @RolesAllowed(Roles.UPLOADER)
    public CompressionJob claim(@PathParam("id") String id, JobClaim claim) {
        return jobs.claim(id, claim);
    }

    @POST
    @Path("progress")
    @RolesAllowed(Roles.UPLOADER)
    public CompressionJob progress(@PathParam("id") String id, JobProgress progress) {
        return jobs.progress(id, progress);
    }

    @POST
    @Path("fail")
    @RolesAllowed(Roles.UPLOADER)
    public CompressionJob fail(@PathParam("id") String id, JobFailure failure) {
        return jobs.fail(id, failure);
    }

    /** 201 with the new variant, or 200 with the variant already registered for this job. */
    @POST
    @Path("variant")
    @RolesAllowed(Roles.UPLOADER)
    public Response variant(@PathParam("id") String id, VariantRegistration registration) {
        JobService.Registration r = jobs.registerVariant(id, registration);
        return Response.status(r.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(r.variant()).build();
    }
}
