package dev.modelforge.registry.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.modelforge.api.problem.Problem;
import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.registry.storage.ObjectStorage;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one exception-to-HTTP mapping of the registry: every error leaves as {@code application/problem+json}
 * with a stable {@code type}. Domain code throws {@link ProblemException}; framework exceptions
 * (security, JAX-RS, JSON binding) are translated here so clients see one shape.
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** Long enough for a blip to pass, short enough that a fleet's next poll finds the registry back. */
    private static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response domain(ProblemException e, UriInfo uri) {
        Response r = answer(e.status(), e.type(), e.title(), e.getMessage(), uri);
        return e.status() == 503 ? Response.fromResponse(r).header("Retry-After", RETRY_AFTER_SECONDS).build() : r;
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        if (DatabaseOutage.in(e)) { // the key could not be looked up: not the caller's fault
            return unavailable("the database is unavailable; retry later", uri);
        }
        return Response.fromResponse(answer(401, ProblemTypes.UNAUTHORIZED, "Unauthorized",
                        "send a valid API key as 'Authorization: Bearer <key>'", uri))
                .header("WWW-Authenticate", "Bearer realm=\"modelforge\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return answer(403, ProblemTypes.FORBIDDEN, "Forbidden",
                "this API key's role does not allow this operation", uri);
    }

    @ServerExceptionMapper
    public Response storage(ObjectStorage.StorageException e, UriInfo uri) {
        LOG.warnf("object storage failed on %s: %s", uri.getPath(), e.getMessage());
        return unavailable("object storage is unavailable; retry later", uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return answer(400, ProblemTypes.INVALID_REQUEST, "Invalid request",
                "malformed JSON: " + e.getOriginalMessage(), uri);
    }

    /** Also JSON of the wrong shape (an array for an object): Jackson's own mapper would answer an empty 400. */
    @ServerExceptionMapper
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException j) {
            return json(j, uri);
        }
        String type = switch (status) {
            case 404 -> ProblemTypes.NOT_FOUND;
            case 400 -> ProblemTypes.INVALID_REQUEST;
            case 413 -> ProblemTypes.PAYLOAD_TOO_LARGE;
            default -> status >= 500 ? ProblemTypes.INTERNAL : ProblemTypes.UNSUPPORTED_REQUEST;
        };
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return answer(status, type, title, e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        if (DatabaseOutage.in(e)) {
            LOG.warnf("database unavailable on %s: %s", uri.getPath(), e.getMessage());
            return unavailable("the database is unavailable; retry later", uri);
        }
        LOG.errorf(e, "unexpected error on %s", uri.getPath());
        return answer(500, ProblemTypes.INTERNAL, "Internal error",
                "the registry failed unexpectedly; the error is logged", uri);
    }

    /**
     * A dependency (database, object storage) is down or stalled: the client should retry, and says when.
     * Every 503 the registry answers carries {@code Retry-After}.
     */
    static Response unavailable(String detail, UriInfo uri) {
        return Response.fromResponse(answer(503, ProblemTypes.UNAVAILABLE, "Service unavailable", detail, uri))
                .header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    static Response answer(int status, String type, String title, String detail, UriInfo uri) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, uri == null ? null : uri.getPath())).build();
    }
}
