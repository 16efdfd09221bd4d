package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.ReviewRequest;
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
import jakarta.ws.rs.core.MediaType;

/** One promotion record; approval and rejection of a pending decision (role {@code promoter}). */
@Path("/api/v1/promotions/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PromotionResource {

    @Inject
    PromotionService promotions;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.READER)
    public Promotion get(@PathParam("id") String id) {
        return promotions.get(id);
    }

    @POST
    @Path("approve")
    @RolesAllowed(Roles.PROMOTER)
    public Promotion approve(@PathParam("id") String id, ReviewRequest body) {
        return promotions.review(id, true, Actor.of(identity).id(), body == null ? null : body.comment());
    }

    @POST
    @Path("reject")
    @RolesAllowed(Roles.PROMOTER)
    public Promotion reject(@PathParam("id") String id, ReviewRequest body) {
        return promotions.review(id, false, Actor.of(identity).id(), body == null ? null : body.comment());
    }
}
