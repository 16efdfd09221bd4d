package dev.modelforge.registry.ui;

import dev.modelforge.registry.auth.ApiKeyIdentityProvider;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A console session becomes the identity of its API key (same roles), carrying the session for CSRF checks. */
@ApplicationScoped
public class SessionIdentityProvider implements IdentityProvider<SessionIdentityProvider.Request> {
    /** Identity attribute holding the {@link Sessions.Live} session. */
    public static final String SESSION = "uiSession";

    /** The session cookie's value. */
    public static final class Request extends BaseAuthenticationRequest {
        final String sessionId;

        Request(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    @Inject
    Sessions sessions;

    @Override
    public Class<Request> getRequestType() {
        return Request.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(Request request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> {
            Sessions.Live live = sessions.find(request.sessionId)
                    .orElseThrow(() -> new AuthenticationFailedException("session expired"));
            return QuarkusSecurityIdentity.builder(ApiKeyIdentityProvider.identityOf(live.key()))
                    .addAttribute(SESSION, live).build();
        });
    }
}
