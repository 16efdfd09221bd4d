package dev.modelforge.registry.promotion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.promotion.BestVariantLoader.Served;
import dev.modelforge.registry.storage.PresignedUrls;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Arrays;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Turns a cached {@link Served} snapshot into the HTTP answer without per-request work: the presigned URL is reused
 * while it has half its lifetime left ({@link PresignedUrls}), the JSON bytes are rendered once per URL and kept with
 * the snapshot, and the {@code ETag} (promotion id + URL generation + a checksum of the answer) lets a polling device
 * get a bodiless 304.
 */
@ApplicationScoped
public class BestAnswers {

    /** The URL an answer currently carries, its ETag base, and its serialized forms by representation. */
    record Rendered(PresignedUrls.Signed url, String tag, ConcurrentHashMap<String, Form> forms) {
    }

    /** One representation: its quoted ETag and body bytes, both computed once per snapshot and URL. */
    record Form(String etag, byte[] body) {
    }

    /**
     * The header a stale-if-error answer carries: the seconds since the answer was read from the database (it is
     * older than the staleness bound because the database or storage could not be read since).
     */
    public static final String STALE_HEADER = "ModelForge-Stale";

    /** Representations kept per snapshot; more (odd descriptions, many field sets) are rendered per request. */
    private static final int MAX_BODIES = 32;

    private static final Set<String> FIELDS = Arrays.stream(BestVariant.class.getRecordComponents())
            .map(c -> c.getName()).collect(Collectors.toUnmodifiableSet());

    @Inject
    ObjectMapper json;

    @Inject
    PresignedUrls urls;

    @Inject
    PromotionConfig config;

    private String cacheControl;

    @jakarta.annotation.PostConstruct
    void init() {
        // Devices may reuse an answer as long as the registry itself may: the staleness bound.
        cacheControl = "private, max-age=" + Math.max(1, (config.cacheTtl().toMillis() + 999) / 1000);
    }

    /** {@code ?fields=a,b} as a sorted set of known field names, or null for the whole answer. */
    static SortedSet<String> fields(String param) {
        if (param == null || param.isBlank()) {
            return null;
        }
        SortedSet<String> fields = new TreeSet<>();
        for (String f : param.split(",")) {
            String name = f.trim();
            if (!FIELDS.contains(name)) {
                throw ProblemException.invalidRequest("unknown field '" + name + "' in fields; known: "
                        + new TreeSet<>(FIELDS));
            }
            fields.add(name);
        }
        return fields;
    }

    /**
     * The answer for a snapshot; {@code variant} is {@link #variant} of the other arguments (callers that see the same
     * description again keep it), {@code staleSeconds} the age of a stale-if-error answer, or -1 for a fresh one.
     */
    Response respond(Served s, boolean resolved, String why, SortedSet<String> fields, String variant,
                     String ifNoneMatch, long staleSeconds) {
        Rendered r = current(s);
        Form form = r.forms().get(variant);
        if (form == null) {
            form = new Form("\"" + r.tag() + "-" + Integer.toHexString(variant.hashCode()) + "\"",
                    render(s, r.url().url(), resolved, why, fields));
            if (r.forms().size() < MAX_BODIES) {
                r.forms().putIfAbsent(variant, form);
            }
        }
        Response.ResponseBuilder answer = matches(ifNoneMatch, form.etag()) ? Response.notModified()
                : Response.ok(form.body(), MediaType.APPLICATION_JSON_TYPE);
        answer.header(HttpHeaders.ETAG, form.etag()).header(HttpHeaders.CACHE_CONTROL, cacheControl);
        if (staleSeconds >= 0) {
            answer.header(STALE_HEADER, staleSeconds);
        }
        return answer.build();
    }

    /**
     * The snapshot's rendering for the URL now current (a reload of an unchanged answer gets the same URL, so the same
     * ETag); the tag covers the promotion, the URL generation and the answer's bytes (a re-benchmark changes them).
     */
    private Rendered current(Served s) {
        PresignedUrls.Signed url = urls.current(s.storageKey(), s.fileName());
        Rendered r = s.rendered().get();
        if (r != null && r.url() == url) {
            return r;
        }
        byte[] body = render(s, url.url(), false, null, null);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body);
        String tag = s.promotionId() + "-" + url.generation() + "-" + Long.toHexString(crc.getValue());
        Rendered fresh = new Rendered(url, tag, new ConcurrentHashMap<>());
        fresh.forms().put("", new Form("\"" + tag + "\"", body));
        s.rendered().compareAndSet(r, fresh);
        return fresh;
    }

    /** The key of a representation: "" for the whole answer by profile name. */
    static String variant(boolean resolved, String why, SortedSet<String> fields) {
        if (!resolved && fields == null) {
            return "";
        }
        return (resolved ? "d:" + why : "p") + (fields == null ? "" : "|" + String.join(",", fields));
    }

    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        if (ifNoneMatch.equals(etag)) {
            return true; // what a polling device sends back
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private byte[] render(Served s, String url, boolean resolved, String why, SortedSet<String> fields) {
        BestVariant answer = new BestVariant(s.modelName(), s.profile(), resolved, why, s.version(), s.variantId(),
                s.recipe(), s.sha256(), s.sizeBytes(), url, s.promotionId(), s.promotedAt(), s.promotedBy(),
                s.benchmark(), s.deltas(), s.fallback(), s.fallbackReason());
        try {
            if (fields == null) {
                return json.writeValueAsBytes(answer);
            }
            ObjectNode all = json.valueToTree(answer);
            all.retain(fields);
            return json.writeValueAsBytes(all);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a best-variant answer", e);
        }
    }

}
