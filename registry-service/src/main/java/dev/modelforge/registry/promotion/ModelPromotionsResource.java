package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.PromoteRequest;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.RollbackRequest;
import dev.modelforge.registry.error.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** A model's promotion audit log, manual promotion and rollback. */
@Path("/api/v1/models/{name}/promotions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModelPromotionsResource {

    @Inject
    PromotionService promotions;

    @Inject
    SecurityIdentity identity;

    /** Newest first; {@code device} filters; {@code at} (ISO-8601, needs device) answers what served then. */
    @GET
    @RolesAllowed(Roles.READER)
    public List<Promotion> history(@PathParam("name") String name, @QueryParam("device") String device,
                                   @QueryParam("at") String at) {
        Instant when = null;
        if (at != null && !at.isBlank()) {
            try {
                when = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw ProblemException.invalidRequest("at must be an ISO-8601 instant like 2026-11-29T20:00:00Z, got '" + at + "'");
            }
        }
        return promotions.history(name, device, when);
    }

    @POST
    @RolesAllowed(Roles.PROMOTER)
    public Response promote(@PathParam("name") String name, PromoteRequest body) {
        if (body == null) {
            throw ProblemException.invalidRequest("body {device, variantId, reason} is required");
        }
        return Response.status(201).entity(promotions.promote(name, body.device(), body.variantId(), body.reason(),
                Actor.of(identity).id())).build();
    }

    @POST
    @Path("rollback")
    @RolesAllowed(Roles.PROMOTER)
    public Response rollback(@PathParam("name") String name, RollbackRequest body) {
        if (body == null) {
            throw ProblemException.invalidRequest("body {device, reason} is required");
        }
        return Response.status(201).entity(promotions.rollback(name, body.device(), body.reason(),
                Actor.of(identity).id())).build();
    }
}
