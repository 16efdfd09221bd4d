package dev.modelforge.registry.ui;

import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.ui.Views.Chrome;
import dev.modelforge.registry.ui.Views.ErrorView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What every console resource shares: the page frame from the identity, the CSRF check, and errors as pages
 * (a console user gets a page that says what went wrong and where to go, not problem+json).
 */
@ApplicationScoped
public class Console {

    /** Raised when a state-changing form arrives without the session's CSRF token. */
    public static final class CsrfRefused extends RuntimeException {
        CsrfRefused() {
            super("the form's CSRF token is missing or does not match this session; reload the page and try again");
        }
    }

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance error(ErrorView view);
    }

    public Chrome chrome(SecurityIdentity identity) {
        Sessions.Live live = identity.getAttribute(SessionIdentityProvider.SESSION);
        String role = identity.hasRole(Roles.ADMIN) ? Roles.ADMIN : identity.hasRole(Roles.PROMOTER) ? Roles.PROMOTER
                : identity.hasRole(Roles.UPLOADER) ? Roles.UPLOADER : Roles.READER;
        return new Chrome(identity.getPrincipal().getName(), role, live == null ? "" : live.csrfToken(),
                identity.hasRole(Roles.PROMOTER), identity.hasRole(Roles.ADMIN));
    }

    /** Refuses the form unless it carries this session's token (bearer-authenticated calls have no session). */
    public void requireCsrf(SecurityIdentity identity, String token) {
        Sessions.Live live = identity.getAttribute(SessionIdentityProvider.SESSION);
        if (live == null || !Sessions.csrfMatches(live, token)) {
            throw new CsrfRefused();
        }
    }

    Response toLogin(String reason) {
        return Response.seeOther(URI.create("/ui/login" + (reason == null ? "" : "?reason="
                + URLEncoder.encode(reason, StandardCharsets.UTF_8)))).build();
    }

    Response page(SecurityIdentity identity, int status, String title, String detail) {
        Chrome chrome = identity == null || identity.isAnonymous() ? null : chrome(identity);
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.error(new ErrorView(chrome, status, title, detail)).render()).build();
    }

    Response problem(SecurityIdentity identity, ProblemException e) {
        String title = e.status() == 404 ? "Not found" : e.title();
        return page(identity, e.status(), title, e.getMessage());
    }

    Response forbidden(SecurityIdentity identity, ForbiddenException e) {
        return page(identity, 403, "Not allowed", "Your API key's role (" + chrome(identity).role()
                + ") does not allow this action.");
    }
}
