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
 * <p>Fleets query the registry hundreds of times a second with the same few keys, so a known key is answered from
 * {@link ApiKeyCache} on the event loop; only a miss (or an unknown key, which is never cached) goes to the database.
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
        SecurityIdentity cached = cache.get(keyHash);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        // The lookup is a JDBC call, so it must leave the event loop.
        return context.runBlocking(() -> {
            ApiKey key = QuarkusTransaction.requiringNew()
                    .call(() -> ApiKey.findActiveByHash(keyHash, java.time.Instant.now()).orElse(null));
            if (key == null) {
                throw new AuthenticationFailedException("unknown, revoked or expired API key");
            }
            SecurityIdentity identity = identityOf(key);
            cache.put(keyHash, identity);
            return identity;
        });
    }

    /** The identity of an active key; the console's sessions act with exactly this identity too. */
    public static SecurityIdentity identityOf(ApiKey key) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(key.name))
                .addRoles(Roles.granted(key.role))
                .addAttribute(Actor.KEY_ID, key.id)
                .addAttribute(Actor.TEAM, key.team())
                .build();
    }
}
