package dev.modelforge.registry.ui;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Reads the console's session cookie, and only under {@code /ui}: the REST API stays bearer-only, so a cookie can
 * never make a cross-site request to it count as authenticated.
 */
@ApplicationScoped
public class SessionAuthMechanism implements HttpAuthenticationMechanism {

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!console(context)) {
            return Uni.createFrom().nullItem();
        }
        Cookie cookie = context.request().getCookie(Sessions.COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new SessionIdentityProvider.Request(cookie.getValue()));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        // elsewhere the bearer mechanism's challenge applies
        return console(context) ? Uni.createFrom().item(new ChallengeData(302, "Location", "/ui/login"))
                : Uni.createFrom().nullItem();
    }

    private static boolean console(RoutingContext context) {
        String path = context.normalizedPath();
        return path.equals("/ui") || path.startsWith("/ui/");
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(SessionIdentityProvider.Request.class);
    }
}
