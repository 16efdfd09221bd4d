package dev.modelforge.registry.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.benchmark.BenchmarksChanged;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.promotion.PromotionChanged;
import dev.modelforge.registry.ui.Views.Progress;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The version page's live pipeline progress as server-sent events. The registry's own change events (benchmark jobs
 * queued or finished, promotions decided) trigger a fresh snapshot at once; a slow tick covers what this replica did
 * not see (another replica's changes, compression jobs starting). Each event is
 * {@code {"done": bool, "html": "<progress fragment>"}}, sent only when it changed; the page closes the stream when
 * {@code done}.
 */
@Path("/ui/models/{name}/versions/{version}/progress")
@ApplicationScoped
public class ProgressStream {

    private final BroadcastProcessor<String> changes = BroadcastProcessor.create();

    @Inject
    VersionViews views;

    @Inject
    UiConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Console console;

    @Inject
    SecurityIdentity identity;

    void benchmarks(@Observes(during = TransactionPhase.AFTER_SUCCESS) BenchmarksChanged e) {
        publish(e.modelName());
    }

    void promotions(@Observes(during = TransactionPhase.AFTER_SUCCESS) PromotionChanged e) {
        publish(e.modelName());
    }

    private synchronized void publish(String model) {
        changes.onNext(model); // a processor must be fed from one thread at a time
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Blocking // the first snapshot is read here, in the request, so a missing version is a 404 rather than a dead stream
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> stream(@PathParam("name") String name, @PathParam("version") int version) {
        String first = snapshot(views.progress(name, version)); // unknown model or version: 404 before streaming
        Multi<Object> triggers = Multi.createBy().merging().streams(
                Multi.createFrom().ticks().startingAfter(config.progressTick()).every(config.progressTick())
                        .onItem().castTo(Object.class),
                changes.filter(name::equals).onItem().castTo(Object.class));
        Multi<String> updates = triggers.onOverflow().drop()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(t -> snapshot(views.progress(name, version)));
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(first), updates)
                .skip().repetitions();
    }

    private String snapshot(Progress p) {
        try {
            return json.writeValueAsString(Map.of("done", p.done(),
                    "html", ConsolePages.Templates.progress(p).render()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @ServerExceptionMapper
    Response problem(ProblemException e) {
        return console.problem(identity, e);
    }
}
