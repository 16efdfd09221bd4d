package dev.modelforge.registry.job;

import dev.modelforge.api.job.DeadLetterReplay;
import dev.modelforge.api.job.DeadLetteredJob;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * The workers' job dead-letter topics ({@code compression-jobs}, {@code benchmark-jobs}). Admin only: a replay
 * re-queues jobs of every model, so no model owner check applies — it is the operator's decision, taken after the
 * cause (a bad worker key, an outage longer than the workers' patience, a fixed bug) is gone.
 */
@Path("/api/v1/admin/dead-letters/{topic}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class JobDeadLetterResource {
    private static final int MAX_LIMIT = 1000;

    @Inject
    JobDeadLetters deadLetters;

    /** The newest {@code limit} records, oldest first, each with its job's current status. */
    @GET
    public List<DeadLetteredJob> list(@PathParam("topic") String topic,
                                      @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalidRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        return deadLetters.list(topic, limit);
    }

    /** Re-queues every dead-lettered job that has not succeeded and is not leased; answers what it did per job. */
    @POST
    @Path("replay")
    public DeadLetterReplay replay(@PathParam("topic") String topic) {
        return deadLetters.replay(topic);
    }
}
