package dev.modelforge.registry.auth;

import dev.modelforge.api.auth.ApiKeyCreated;
import dev.modelforge.api.auth.ApiKeyDto;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.RotateApiKeyRequest;
import dev.modelforge.registry.error.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;

/** API key management; admin only (keys are not owned by teams, so there is no owner check here). */
@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ApiKeyResource {
    @Inject
    ApiKeyService keys;

    @Inject
    SecurityIdentity identity;

    /** Creates a key and answers its secret, once. */
    @POST
    public Response create(CreateApiKeyRequest request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.role() == null) {
            throw ProblemException.invalidRequest("send {\"name\": \"...\", \"role\": \"reader|uploader|promoter|admin|worker\","
                    + " \"team\": \"optional\", \"expiresAt\": \"optional ISO-8601 instant\"}");
        }
        if (request.name().length() > 200) {
            throw ProblemException.invalidRequest("key name is longer than 200 characters");
        }
        String team = request.team() == null || request.team().isBlank() ? null : request.team().trim();
        ApiKeyCreated created = keys.create(request.name().trim(), request.role(), team, request.expiresAt(),
                Actor.of(identity));
        return Response.status(201).entity(created).build();
    }

    /** Lists active keys without their secrets. */
    @GET
    public List<ApiKeyDto> list() {
        return ApiKey.<ApiKey>list("revokedAt is null").stream().sorted(Comparator.comparing(k -> k.id))
                .map(ApiKey::toDto).toList();
    }

    /** Revokes a key: it fails on every replica within the key cache's bound (1 s). */
    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") long id) {
        keys.revoke(id);
        return Response.noContent().build();
    }

    /** A new secret for the key, answered once; the old one works for the grace period. */
    @POST
    @Path("{id}/rotate")
    public ApiKeyCreated rotate(@PathParam("id") long id, RotateApiKeyRequest request) {
        return keys.rotate(id, request == null ? null : request.graceSeconds());
    }
}
