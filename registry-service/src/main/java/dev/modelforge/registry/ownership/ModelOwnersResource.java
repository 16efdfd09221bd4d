package dev.modelforge.registry.ownership;

import dev.modelforge.api.model.AddOwnerRequest;
import dev.modelforge.api.model.ModelOwners;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.model.ModelService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;

/**
 * The owning teams of a model. Reading and changing them takes an owner (or admin): reading, a key of an owning team
 * with any role; changing, an uploader or above of an owning team.
 */
@Path("/api/v1/models/{name}/owners")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModelOwnersResource {
    private static final Pattern TEAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

    @Inject
    ModelService models;

    @Inject
    OwnershipGuard guard;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.READER)
    @Transactional
    public ModelOwners list(@PathParam("name") String name) {
        Model m = models.require(name);
        guard.requireOwner(m, Actor.of(identity));
        return new ModelOwners(m.name, guard.owners(m));
    }

    @POST
    @RolesAllowed(Roles.UPLOADER)
    @Transactional
    public Response add(@PathParam("name") String name, AddOwnerRequest request) {
        if (request == null || request.team() == null || !TEAM.matcher(request.team().trim()).matches()) {
            throw ProblemException.invalidRequest("send {\"team\": \"...\"}: 1-100 letters, digits, '.', '_', ':' or '-'");
        }
        Model m = models.lock(name);
        Actor actor = Actor.of(identity);
        guard.requireOwner(m, actor);
        return Response.status(201).entity(new ModelOwners(m.name, guard.add(m, request.team().trim(), actor))).build();
    }

    @DELETE
    @Path("{team}")
    @RolesAllowed(Roles.UPLOADER)
    @Transactional
    public ModelOwners remove(@PathParam("name") String name, @PathParam("team") String team) {
        Model m = models.lock(name);
        guard.requireOwner(m, Actor.of(identity));
        return new ModelOwners(m.name, guard.remove(m, team));
    }
}
