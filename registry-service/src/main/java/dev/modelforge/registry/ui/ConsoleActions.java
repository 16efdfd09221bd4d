package dev.modelforge.registry.ui;

import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.promotion.ModelPromotionsResource;
import dev.modelforge.registry.promotion.PromotionResource;
import dev.modelforge.api.promotion.PromoteRequest;
import dev.modelforge.api.promotion.ReviewRequest;
import dev.modelforge.api.promotion.RollbackRequest;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The promoter's buttons: promote, rollback, approve, reject. Each form carries the session's CSRF token and a
 * reason, and is handed to the same REST resource method the CLI calls, so roles and rules are the API's.
 * Answers redirect back to the model page (post/redirect/get) with what happened.
 */
@Path("/ui")
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@Produces(MediaType.TEXT_HTML)
public class ConsoleActions {

    @Inject
    SecurityIdentity identity;

    @Inject
    Console console;

    @Inject
    ModelPromotionsResource modelPromotions;

    @Inject
    PromotionResource reviews;

    @POST
    @Path("models/{name}/promote")
    @RolesAllowed(Roles.PROMOTER)
    public Response promote(@PathParam("name") String name, @FormParam("csrf") String csrf,
                            @FormParam("device") String device, @FormParam("variantId") String variantId,
                            @FormParam("reason") String reason) {
        console.requireCsrf(identity, csrf);
        return back(name, () -> {
            Promotion p = (Promotion) modelPromotions.promote(name, new PromoteRequest(device, variantId, reason))
                    .getEntity();
            return "promoted " + p.recipe() + " on " + p.device();
        });
    }

    @POST
    @Path("models/{name}/rollback")
    @RolesAllowed(Roles.PROMOTER)
    public Response rollback(@PathParam("name") String name, @FormParam("csrf") String csrf,
                             @FormParam("device") String device, @FormParam("reason") String reason) {
        console.requireCsrf(identity, csrf);
        return back(name, () -> {
            Promotion p = (Promotion) modelPromotions.rollback(name, new RollbackRequest(device, reason)).getEntity();
            return "rolled back " + p.device() + " to " + p.recipe() + " (v" + p.version() + ")";
        });
    }

    @POST
    @Path("models/{name}/promotions/{id}/approve")
    @RolesAllowed(Roles.PROMOTER)
    public Response approve(@PathParam("name") String name, @PathParam("id") String id,
                            @FormParam("csrf") String csrf, @FormParam("reason") String reason) {
        console.requireCsrf(identity, csrf);
        return back(name, () -> "approved " + reviews.approve(id, new ReviewRequest(reason)).device());
    }

    @POST
    @Path("models/{name}/promotions/{id}/reject")
    @RolesAllowed(Roles.PROMOTER)
    public Response reject(@PathParam("name") String name, @PathParam("id") String id,
                           @FormParam("csrf") String csrf, @FormParam("reason") String reason) {
        console.requireCsrf(identity, csrf);
        return back(name, () -> "rejected the decision on " + reviews.reject(id, new ReviewRequest(reason)).device());
    }

    private interface Action {
        String run();
    }

    /** Refusals the API would answer with a 4xx come back to the page as a message; anything else is an error. */
    private static Response back(String model, Action action) {
        String query;
        try {
            query = "flash=" + encode(action.run());
        } catch (ProblemException e) {
            if (e.status() >= 500) {
                throw e;
            }
            query = "error=" + encode(e.getMessage());
        }
        return Response.seeOther(URI.create("/ui/models/" + encode(model) + "?" + query)).build();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    Response signIn(RuntimeException e) {
        return console.toLogin(e instanceof AuthenticationFailedException ? "expired" : null);
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e) {
        return console.forbidden(identity, e);
    }

    @ServerExceptionMapper
    Response csrf(Console.CsrfRefused e) {
        return console.page(identity, 403, "Form refused", e.getMessage());
    }

    @ServerExceptionMapper
    Response problem(ProblemException e) {
        return console.problem(identity, e);
    }
}
