package dev.modelforge.worker.compression;

import dev.modelforge.api.client.OutageRetry;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.JobFailure;
import dev.modelforge.api.job.JobProgress;
import dev.modelforge.api.job.Leases;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.variant.VariantRegistration;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The registry's worker-facing job endpoints, called with this worker's {@code worker}-role key. The claim answers a
 * lease token ({@link Leases#TOKEN_HEADER}) that every later call sends back. Every call is keyed by the job id and
 * safe to repeat; a 409 means the job is finished, or another worker holds (or took over) its lease: either way the
 * delivery must be dropped.
 */
@Path("/api/v1/jobs/{id}")
@RegisterRestClient(configKey = "registry")
@ClientHeaderParam(name = "Authorization", value = "Bearer ${modelforge.worker.api-key}")
public interface JobsApi {

    /** The job, with the lease token and expiry in the {@link Leases} headers. */
    @POST
    @Path("claim")
    RestResponse<CompressionJob> claim(@PathParam("id") String id, JobClaim claim);

    /** Also the heartbeat: extends the lease. */
    @POST
    @Path("progress")
    CompressionJob progress(@PathParam("id") String id, @HeaderParam(Leases.TOKEN_HEADER) String leaseToken,
                            JobProgress progress);

    @POST
    @Path("fail")
    CompressionJob fail(@PathParam("id") String id, @HeaderParam(Leases.TOKEN_HEADER) String leaseToken,
                        JobFailure failure);

    @POST
    @Path("variant")
    Variant registerVariant(@PathParam("id") String id, @HeaderParam(Leases.TOKEN_HEADER) String leaseToken,
                            VariantRegistration registration);

    /**
     * 409 becomes {@link JobFinishedException}; 5xx, 408 and 429 {@link RegistryUnavailableException} (retried while
     * the lease lasts); any other 4xx {@link JobRejectedException} (no retry helps: dead-letter).
     */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        int status = response.getStatus();
        if (status < 400) {
            return null;
        }
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        if (status == 409) {
            return new JobFinishedException(body);
        }
        if (OutageRetry.isTransientStatus(status)) {
            return new RegistryUnavailableException("registry answered " + status + ": " + body);
        }
        return new JobRejectedException("registry answered " + status + ": " + body);
    }

    /** The registry is down or overloaded (5xx, 408, 429): try again later. */
    class RegistryUnavailableException extends RuntimeException {
        RegistryUnavailableException(String message) {
            super(message);
        }
    }

    /** The registry refused the call for good (a 4xx other than 408, 409, 429): the job cannot succeed as sent. */
    class JobRejectedException extends RuntimeException {
        JobRejectedException(String message) {
            super(message);
        }
    }

    /** The registry says the job is already succeeded, failed or dead, or its lease is not this worker's. */
    class JobFinishedException extends RuntimeException {
        JobFinishedException(String problem) {
            super(problem);
        }
    }
}
