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
import jakarta.inject.Inject;

/**
 * Turns an API key into an identity whose roles include every role below the key's own.
 *
 * <p>Fleets query the registry thousands of times a second with thousands of keys, so a key is answered from the
 * in-memory {@link ApiKeyCache} on the event loop, known or unknown; only while that table is not confirmed recently
 * (the database unreachable) does a request go to the database.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    ApiKeyCache cache;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String keyHash = ApiKey.hash(request.getToken().getToken());
        switch (cache.lookup(keyHash)) {
            case KNOWN -> {
                SecurityIdentity known = cache.identity(keyHash);
                if (known != null) {
                    return Uni.createFrom().item(known);
                }
            }
            case UNKNOWN -> {
                return Uni.createFrom().failure(new AuthenticationFailedException("unknown, revoked or expired API key"));
            }
            case UNSURE -> {
                // fall through to the database
            }
        }
        // The lookup is a JDBC call, so it must leave the event loop.
        return context.runBlocking(() -> {
            ApiKey key = QuarkusTransaction.requiringNew()
                    .call(() -> ApiKey.findActiveByHash(keyHash, java.time.Instant.now()).orElse(null));
            if (key == null) {
                throw new AuthenticationFailedException("unknown, revoked or expired API key");
            }
            return identityOf(key);
        });
    }

    /**
     * The identity a key authenticates as; one place for the database path, the in-memory table and the console's
     * sessions.
     */
    public static SecurityIdentity identityOf(ApiKey key) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(key.name))
                .addRoles(Roles.granted(key.role))
                .addAttribute(Actor.KEY_ID, key.id)
                .addAttribute(Actor.TEAM, key.team())
                .build();
    }
}
