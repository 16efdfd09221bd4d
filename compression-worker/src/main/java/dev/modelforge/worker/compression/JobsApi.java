package dev.modelforge.worker.compression;

import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.JobFailure;
import dev.modelforge.api.job.JobProgress;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.variant.VariantRegistration;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The registry's worker-facing job endpoints. Every call is keyed by the job id and safe to repeat; a 409 means the
 * job is already finished and the delivery must be dropped.
 */
@Path("/api/v1/jobs/{id}")
@RegisterRestClient(configKey = "registry")
@ClientHeaderParam(name = "Authorization", value = "Bearer ${modelforge.worker.api-key}")
public interface JobsApi {

    @POST
    @Path("claim")
    CompressionJob claim(@PathParam("id") String id, JobClaim claim);

    @POST
    @Path("progress")
    CompressionJob progress(@PathParam("id") String id, JobProgress progress);

    @POST
    @Path("fail")
    CompressionJob fail(@PathParam("id") String id, JobFailure failure);

    @POST
    @Path("variant")
    Variant registerVariant(@PathParam("id") String id, VariantRegistration registration);

    /** 409 becomes {@link JobFinishedException}; other errors keep the client's default exception. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        if (response.getStatus() == 409) {
            return new JobFinishedException(response.readEntity(String.class));
        }
        return null;
    }

    /** The registry says the job is already succeeded, failed or dead. */
    class JobFinishedException extends RuntimeException {
        JobFinishedException(String problem) {
            super(problem);
        }
    }
}
