package dev.modelforge.registry.variant;

import dev.modelforge.api.variant.Variant;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.UUID;

/** One variant by id. */
@Path("/api/v1/variants/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class VariantResource {

    @Inject
    VariantService variants;

    @GET
    @RolesAllowed(Roles.READER)
    public Variant get(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw VariantService.notFound(id);
        }
        return variants.get(uuid);
    }
}
