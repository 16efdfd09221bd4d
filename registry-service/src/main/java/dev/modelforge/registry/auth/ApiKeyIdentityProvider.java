package dev.modelforge.registry.auth;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns an API key into an identity whose roles include every role below the key's own. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String secret = request.getToken().getToken();
        // The lookup is a JDBC call, so it must leave the event loop.
        return context.runBlocking(() -> {
            ApiKey key = QuarkusTransaction.requiringNew()
                    .call(() -> ApiKey.findActiveBySecret(secret).orElse(null));
            if (key == null) {
                throw new AuthenticationFailedException("unknown or revoked API key");
            }
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(key.name))
                    .addRoles(Roles.granted(key.role))
                    .addAttribute("apiKeyId", key.id)
                    .build();
        });
    }
}
