package dev.modelforge.registry.benchmark;

import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.benchmark.BenchmarkWorkers;
import dev.modelforge.registry.workers.WorkerPresence;
import java.util.Set;
import java.util.stream.Collectors;
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

    @Inject
    WorkerPresence presence;

    @GET
    @RolesAllowed(Roles.READER)
    public List<BenchmarkJobView> list(@PathParam("name") String name, @PathParam("version") int version) {
        List<BenchmarkJobView> all = jobs.listFor(VersionJobsResource.lookup(name, version));
        List<String> queuedProfiles = all.stream().filter(j -> j.status() == JobStatus.QUEUED)
                .map(BenchmarkJobView::deviceProfile).distinct().toList();
        if (queuedProfiles.isEmpty()) {
            return all;
        }
        // A profile nobody serves would keep its jobs queued without a word; say so (unknown counts as served).
        Set<String> unserved = presence.of(queuedProfiles).stream().filter(w -> w.members() == 0)
                .map(BenchmarkWorkers::profile).collect(Collectors.toSet());
        return all.stream().map(j -> j.status() == JobStatus.QUEUED && unserved.contains(j.deviceProfile())
                ? j.waitingFor(BenchmarkJobView.WAITING_NO_WORKER) : j).toList();
    }
}
