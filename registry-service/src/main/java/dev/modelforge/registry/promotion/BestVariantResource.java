package dev.modelforge.registry.promotion;

import dev.modelforge.registry.auth.Roles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The variant a device should run: by profile name ({@code ?device=arm64-mobile}) or by description
 * ({@code ?arch=arm64&cores=4&memoryMb=2048&isa=neon,dotprod}); {@code ?fields=variantId,sha256,downloadUrl} for a
 * compact answer; {@code If-None-Match} with the last {@code ETag} for a bodiless 304.
 *
 * <p>Fleets poll this hundreds of times a second, so it is a non-blocking method: a fresh snapshot in memory is
 * answered on the event loop; only a miss moves to a worker thread for the database read. It is left out of
 * Micrometer's per-request HTTP timers (application.properties); {@code modelforge.best.answers} counts its answers
 * by outcome instead, one pre-registered counter each.
 */
@Path("/api/v1/models/{name}/best")
@Produces(MediaType.APPLICATION_JSON)
public class BestVariantResource {

    @Inject
    BestVariants best;

    @Inject
    MeterRegistry meters;

    private Counter ok;
    private Counter notModified;
    private Counter stale;
    private Counter failed;

    @PostConstruct
    void counters() {
        ok = answers("ok");
        notModified = answers("not-modified");
        stale = answers("stale");
        failed = answers("error");
    }

    private Counter answers(String outcome) {
        return Counter.builder("modelforge.best.answers").description("best-variant answers by outcome")
                .tag("outcome", outcome).register(meters);
    }

    @GET
    @RolesAllowed(Roles.READER)
    public Uni<Response> get(@PathParam("name") String name, @QueryParam("device") String device,
                             @QueryParam("arch") String arch, @QueryParam("cores") Integer cores,
                             @QueryParam("memoryMb") Integer memoryMb, @QueryParam("isa") String isa,
                             @QueryParam("accelerator") String accelerator, @QueryParam("fields") String fields,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        Response fast;
        BestVariants.Query q;
        try {
            q = best.query(name, device, arch, cores, memoryMb, isa, accelerator, fields, ifNoneMatch);
            fast = best.fromMemory(q);
        } catch (RuntimeException e) {
            failed.increment();
            throw e;
        }
        if (fast != null) {
            return Uni.createFrom().item(count(fast));
        }
        return Uni.createFrom().item(() -> count(best.answer(q))).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> failed.increment());
    }

    private Response count(Response r) {
        (r.getStatus() == 304 ? notModified : ok).increment();
        if (r.getHeaders().containsKey(BestAnswers.STALE_HEADER)) {
            stale.increment();
        }
        return r;
    }
}
