package dev.modelforge.registry.auth;

import dev.modelforge.api.auth.ApiKeyCreated;
import dev.modelforge.api.auth.ApiKeyDto;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.registry.error.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** API key management; admin only. */
@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ApiKeyResource {
    @Inject
    ApiKeyService keys;

    /** Creates a key and answers its secret, once. */
    @POST
    public Response create(CreateApiKeyRequest request) {
        if (request == null || request.name() == null || request.name().isBlank() || request.role() == null) {
            throw ProblemException.invalidRequest("send {\"name\": \"...\", \"role\": \"reader|uploader|promoter|admin|worker\"}");
        }
        if (request.name().length() > 200) {
            throw ProblemException.invalidRequest("key name is longer than 200 characters");
        }
        ApiKeyCreated created = keys.create(request.name().trim(), request.role());
        return Response.status(201).entity(created).build();
    }

    /** Lists keys without their secrets. */
    @GET
    public List<ApiKeyDto> list() {
        return ApiKey.<ApiKey>listAll().stream().filter(k -> k.revokedAt == null).map(ApiKey::toDto).toList();
    }
}
