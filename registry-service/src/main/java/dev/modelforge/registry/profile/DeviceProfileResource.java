package dev.modelforge.registry.profile;

import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.ProfileRevision;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.planner.BackfillResult;
import dev.modelforge.registry.planner.Planner;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Device profiles: anyone with a key reads them, admins change them. */
@Path("/api/v1/device-profiles")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceProfileResource {

    @Inject
    DeviceProfileService profiles;

    @Inject
    Planner planner;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.READER)
    public List<DeviceProfile> list() {
        return profiles.list();
    }

    @GET
    @Path("{name}")
    @RolesAllowed(Roles.READER)
    public DeviceProfile get(@PathParam("name") String name) {
        return profiles.get(name);
    }

    @GET
    @Path("{name}/revisions")
    @RolesAllowed(Roles.READER)
    public List<ProfileRevision> revisions(@PathParam("name") String name) {
        return profiles.history(name);
    }

    @PUT
    @Path("{name}")
    @RolesAllowed(Roles.ADMIN)
    public Response put(@PathParam("name") String name, DeviceProfile body) {
        if (body == null) {
            throw ProfileProblems.invalid(List.of("a JSON body with the profile is required"));
        }
        DeviceProfileService.Saved saved = profiles.put(name, body, Actor.of(identity).id());
        return Response.status(saved.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(saved.profile()).build();
    }

    @DELETE
    @Path("{name}")
    @RolesAllowed(Roles.ADMIN)
    public Response delete(@PathParam("name") String name) {
        profiles.delete(name, Actor.of(identity).id());
        return Response.noContent().build();
    }

    /** Plans the profile's recipes for every existing model version (jobs already planned are reused). */
    @POST
    @Path("{name}/backfill")
    @RolesAllowed(Roles.ADMIN)
    public BackfillResult backfill(@PathParam("name") String name) {
        return planner.backfill(profiles.get(name));
    }
}
