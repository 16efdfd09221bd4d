package dev.modelforge.registry.ui;

import dev.modelforge.registry.ui.Views.LoginView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * Sign-in (an API key for a session cookie) and sign-out. Open to everyone: these routes are how one gets a role.
 * Sign-in has no session yet to bind a CSRF token to, so it checks that the form was posted from our own origin,
 * which keeps another site from signing a visitor in with the attacker's key.
 */
@Path("/ui")
@PermitAll
public class SignInResource {

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance login(LoginView view);
    }

    @Inject
    Sessions sessions;

    @Inject
    UiConfig config;

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form(@QueryParam("reason") String reason) {
        String notice = "expired".equals(reason) ? "Your session has ended (expired, signed out elsewhere or the key "
                + "was revoked). Sign in again." : "signed-out".equals(reason) ? "You are signed out." : null;
        return Templates.login(new LoginView(null, notice));
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(@FormParam("apiKey") String apiKey, @Context HttpServerRequest request) {
        if (!sameOrigin(request)) {
            return Response.status(403).type(MediaType.TEXT_HTML_TYPE)
                    .entity(Templates.login(new LoginView("This sign-in form was posted from another site.", null))
                            .render()).build();
        }
        Sessions.SignIn result = sessions.signIn(apiKey);
        if (result.refusal() != null) {
            return Response.status(401).type(MediaType.TEXT_HTML_TYPE)
                    .entity(Templates.login(new LoginView(result.refusal(), null)).render()).build();
        }
        return Response.seeOther(URI.create("/ui")).cookie(cookie(result.sessionId(),
                (int) config.sessionTtl().toSeconds())).build();
    }

    /** Ends the session; like every console form it must carry the session's CSRF token. */
    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signOut(@CookieParam(Sessions.COOKIE) String session, @FormParam("csrf") String csrf) {
        var live = sessions.find(session);
        if (live.isPresent() && !Sessions.csrfMatches(live.get(), csrf)) {
            return Response.status(403).type(MediaType.TEXT_HTML_TYPE)
                    .entity(Templates.login(new LoginView("Sign-out refused: the form's CSRF token is missing or "
                            + "does not match this session.", null)).render()).build();
        }
        sessions.signOut(session);
        return Response.seeOther(URI.create("/ui/login?reason=signed-out")).cookie(cookie("", 0)).build();
    }

    private NewCookie cookie(String value, int maxAgeSeconds) {
        return new NewCookie.Builder(Sessions.COOKIE).value(value).path("/ui").maxAge(maxAgeSeconds).httpOnly(true)
                .secure(config.secureCookie()).sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** Browsers send Origin on every form POST; a request without one (curl, tests) has no browser to attack. */
    private static boolean sameOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null || origin.isBlank()) {
            return true;
        }
        String host = request.getHeader("Host");
        URI o;
        try {
            o = URI.create(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String authority = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
        return host != null && host.equalsIgnoreCase(authority);
    }
}
