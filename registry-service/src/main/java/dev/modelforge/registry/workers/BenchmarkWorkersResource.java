package dev.modelforge.registry.workers;

import dev.modelforge.api.benchmark.BenchmarkWorkers;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.profile.DeviceProfileService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * Which active profiles have a live benchmark worker ({@link WorkerPresence}); {@code upload --wait} skips the others.
 * Read-only and about the deployment, not a model: any reader, no owner check.
 */
@Path("/api/v1/benchmark-workers")
@Produces(MediaType.APPLICATION_JSON)
public class BenchmarkWorkersResource {

    @Inject
    DeviceProfileService profiles;

    @Inject
    WorkerPresence presence;

    @GET
    @RolesAllowed(Roles.READER)
    public List<BenchmarkWorkers> list() {
        return presence.of(profiles.active().stream().map(DeviceProfile::name).toList());
    }
}
