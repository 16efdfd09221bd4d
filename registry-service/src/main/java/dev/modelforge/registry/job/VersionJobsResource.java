package dev.modelforge.registry.job;

import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.Model;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The compression jobs of one model version. */
@Path("/api/v1/models/{name}/versions/{version}/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class VersionJobsResource {

    @Inject
    JobService jobs;

    @GET
    @RolesAllowed(Roles.READER)
    public List<CompressionJob> list(@PathParam("name") String name, @PathParam("version") int version) {
        return jobs.listFor(lookup(name, version));
    }

    /** The version or a 404 problem naming what is missing (shared with the variants listing). */
    public static ModelVersion lookup(String name, int version) {
        Model model = Model.findByName(name).orElseThrow(() -> ProblemException.modelNotFound(name));
        return ModelVersion.findVersion(model, version)
                .orElseThrow(() -> ProblemException.versionNotFound(name, version));
    }
}
