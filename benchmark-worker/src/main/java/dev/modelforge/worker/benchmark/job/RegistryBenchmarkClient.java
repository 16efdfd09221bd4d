package dev.modelforge.worker.benchmark.job;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.client.OutageRetry;
import dev.modelforge.api.job.JobClaim;
import dev.modelforge.api.job.Leases;
import dev.modelforge.api.profile.DeviceProfile;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The registry endpoints the worker calls (base URL {@code quarkus.rest-client.registry.url}), authenticated like
 * the compression worker's: {@code Authorization: Bearer ${modelforge.worker.api-key}}, a key with role
 * {@code worker}. {@code start} answers the job's lease token ({@link Leases#TOKEN_HEADER}); the heartbeat and the
 * result send it back.
 *
 * <p>Errors are mapped to what the worker does with them: {@link JobAlreadyFinished} (drop the message: the result
 * is in, or another worker holds the lease),
 * {@link TransientFailure} (retry with backoff) or {@link RejectedJob} (dead-letter at once).
 */
@RegisterRestClient(configKey = "registry")
@Path("/api/v1")
@ClientHeaderParam(name = "Authorization", value = "Bearer ${modelforge.worker.api-key}")
public interface RegistryBenchmarkClient {

    /** Problem type suffix of a 409 for a job whose result is already stored. */
    String FINISHED_PROBLEM = "benchmark-job-finished";

    /**
     * Moves the job from queued to running and leases it to this worker.
     *
     * @param jobId job id
     * @param claim this worker
     * @return the job as the registry sees it, with the lease token and expiry in the {@link Leases} headers
     */
    @POST
    @Path("/benchmark-jobs/{id}/start")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    RestResponse<BenchmarkJobView> start(@PathParam("id") String jobId, JobClaim claim);

    /**
     * Extends the lease while the worker measures.
     *
     * @param jobId      job id
     * @param leaseToken the token {@code start} answered
     * @return the job
     */
    @POST
    @Path("/benchmark-jobs/{id}/heartbeat")
    @Produces(MediaType.APPLICATION_JSON)
    BenchmarkJobView heartbeat(@PathParam("id") String jobId, @HeaderParam(Leases.TOKEN_HEADER) String leaseToken);

    /**
     * Stores a result; 201 the first time, 200 with the stored result when the {@code jobId} was posted before.
     *
     * @param variantId  measured variant
     * @param leaseToken the token {@code start} answered
     * @param result     the result
     * @return the result as stored
     */
    @POST
    @Path("/variants/{id}/benchmarks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    BenchmarkResult postResult(@PathParam("id") String variantId, @HeaderParam(Leases.TOKEN_HEADER) String leaseToken,
                               BenchmarkResult result);

    /**
     * @param name profile name
     * @return the profile's current revision
     */
    @GET
    @Path("/device-profiles/{name}")
    @Produces(MediaType.APPLICATION_JSON)
    DeviceProfile profile(@PathParam("name") String name);

    /**
     * Why transient: 5xx, 408 and 429 say "later" (retried while the lease lasts). Every other 4xx — a wrong or
     * missing worker key included — will not change on a retry: the message is dead-lettered, and an operator
     * replays it ({@code modelforge admin dlq replay}) once the cause is fixed.
     */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        int status = response.getStatus();
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        String what = "registry answered " + status + ": " + body;
        if (status == 409 && (body.contains(FINISHED_PROBLEM) || body.contains(Leases.LEASE_LOST)
                || body.contains(Leases.LEASE_HELD))) {
            return new JobAlreadyFinished(body);
        }
        if (OutageRetry.isTransientStatus(status)) {
            return new TransientFailure(what, null);
        }
        if (status == 401 || status == 403) {
            return new RejectedJob(what + " (set MODELFORGE_WORKER_API_KEY to a registry key with role worker)");
        }
        if (status >= 400) {
            return new RejectedJob(what);
        }
        return null;
    }
}
