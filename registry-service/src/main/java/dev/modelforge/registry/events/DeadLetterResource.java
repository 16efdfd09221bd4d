package dev.modelforge.registry.events;

import dev.modelforge.api.event.DeadLetterDto;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/**
 * Events the broker refused, parked by the outbox relay. Admin only: retrying re-publishes an event of any
 * model, and dropping one loses it for every consumer, so no model owner check applies — these are the
 * operator's decisions.
 */
@Path("/api/v1/admin/outbox/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class DeadLetterResource {
    private static final int MAX_LIMIT = 500;

    @Inject
    DeadLetters deadLetters;

    @GET
    public List<DeadLetterDto> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalidRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        return deadLetters.list(limit);
    }

    /** The parked event's JSON payload, exactly as it would be published. */
    @GET
    @Path("{id}/payload")
    public String payload(@PathParam("id") String id) {
        return deadLetters.payload(parse(id)).orElseThrow(() -> OutboxProblems.deadLetterNotFound(id));
    }

    /** Queues the event again, after everything already queued; answers 202 (it is relayed shortly). */
    @POST
    @Path("{id}/retry")
    public Response retry(@PathParam("id") String id) {
        if (!deadLetters.retry(parse(id))) {
            throw OutboxProblems.deadLetterNotFound(id);
        }
        return Response.accepted().build();
    }

    @DELETE
    @Path("{id}")
    public Response drop(@PathParam("id") String id) {
        if (!deadLetters.drop(parse(id))) {
            throw OutboxProblems.deadLetterNotFound(id);
        }
        return Response.noContent().build();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidRequest("'" + id + "' is not an event id (a UUID)");
        }
    }
}
