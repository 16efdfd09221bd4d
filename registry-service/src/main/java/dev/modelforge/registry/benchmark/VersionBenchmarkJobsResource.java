package dev.modelforge.registry.benchmark;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.registry.job.VersionJobsResource;
import dev.modelforge.registry.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The benchmark jobs of one model version, every (variant, profile) and re-benchmark. */
@Path("/api/v1/models/{name}/versions/{version}/benchmark-jobs")
@Produces(MediaType.APPLICATION_JSON)
public class VersionBenchmarkJobsResource {

    @Inject
    BenchmarkJobs jobs;

    @GET
    @RolesAllowed(Roles.READER)
    public List<BenchmarkJobView> list(@PathParam("name") String name, @PathParam("version") int version) {
        return jobs.listFor(VersionJobsResource.lookup(name, version));
    }
}
