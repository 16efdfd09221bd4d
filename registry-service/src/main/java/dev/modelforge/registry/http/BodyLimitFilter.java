package dev.modelforge.registry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.problem.Problem;
import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.registry.version.UploadConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Per-route body limits. {@code quarkus.http.limits.max-body-size} is one global value and must admit the
 * largest upload (model plus datasets), which would let a JSON route buffer gigabytes too. This filter runs
 * before any route reads the body and holds each request to the limit of its kind: model uploads
 * ({@code application/octet-stream}, {@code application/x-tar} and {@code multipart/form-data}) to the model maximum plus two
 * datasets, everything else to {@code modelforge.http.max-json-body-size}.
 *
 * <p>The check uses {@code Content-Length}, so it costs nothing and refuses before a byte of the body is
 * read. A JSON request without one (chunked) could not be bounded without buffering it, so it is answered
 * 411: every HTTP client sends a length for a JSON document it already holds. Raw uploads may be chunked;
 * their limit is enforced while streaming ({@code modelforge.upload.max-size}).
 */
@ApplicationScoped
public class BodyLimitFilter {
    /** Multipart framing and the metadata part, on top of the file parts. */
    private static final long MULTIPART_OVERHEAD = 1 << 20;

    @Inject
    BodyLimitsConfig config;

    @Inject
    UploadConfig uploads;

    @Inject
    ObjectMapper json;

    void register(@Observes Filters filters) {
        filters.register(this::check, 1000);
    }

    private void check(RoutingContext rc) {
        var request = rc.request();
        String type = String.valueOf(request.getHeader(HttpHeaders.CONTENT_TYPE)).toLowerCase();
        boolean upload = type.startsWith("application/octet-stream") || type.startsWith("multipart/form-data")
                || type.startsWith("application/x-tar");
        long limit = upload
                ? uploads.maxSize().asLongValue() + 2 * uploads.maxDatasetSize().asLongValue() + MULTIPART_OVERHEAD
                : config.maxJsonBodySize().asLongValue();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                refuse(rc, 400, ProblemTypes.INVALID_REQUEST, "Invalid request", "Content-Length '" + length
                        + "' is not a number");
                return;
            }
            if (n > limit) {
                refuse(rc, 413, ProblemTypes.PAYLOAD_TOO_LARGE, "Request body too large", "the body has " + n
                        + " bytes; this route accepts at most " + limit + " ("
                        + (upload ? "modelforge.upload.max-size plus two modelforge.upload.max-dataset-size"
                        : "modelforge.http.max-json-body-size") + ")");
                return;
            }
        } else if (!upload && "chunked".equalsIgnoreCase(request.getHeader(HttpHeaders.TRANSFER_ENCODING))) {
            refuse(rc, 411, ProblemTypes.INVALID_REQUEST, "Length required", "send JSON bodies with a "
                    + "Content-Length (at most " + limit + " bytes, modelforge.http.max-json-body-size), not chunked");
            return;
        }
        rc.next();
    }

    private void refuse(RoutingContext rc, int status, String type, String title, String detail) {
        String body;
        try {
            body = json.writeValueAsString(new Problem(type, title, status, detail, rc.request().path()));
        } catch (JsonProcessingException e) {
            body = "{\"status\":" + status + "}";
        }
        // The unread body would otherwise be drained or waited for; closing is cheaper than either.
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close").end(body);
    }
}
