package dev.modelforge.registry.promotion;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.profile.DeviceProfileService;
import dev.modelforge.registry.promotion.BestVariantLoader.Served;
import dev.modelforge.registry.version.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The best-variant and Pareto queries. A best-variant request is answered from memory when {@link BestVariantCache}
 * holds a fresh snapshot ({@link #fromMemory}, safe on the event loop), else after a database read ({@link #answer}).
 */
@ApplicationScoped
public class BestVariants {

    /**
     * One best-variant request.
     *
     * @param model       model name
     * @param profile     the named profile, or null when {@code device} describes the device
     * @param device      the description, or null when a profile is named
     * @param fields      the fields asked for, or null for all
     * @param ifNoneMatch the {@code If-None-Match} header, or null
     */
    public record Query(String model, String profile, DeviceResolver.Device device, SortedSet<String> fields,
                        String ifNoneMatch) {
    }

    @Inject
    BestVariantCache cache;

    @Inject
    BestAnswers answers;

    @Inject
    DeviceProfileService profiles;

    @Inject
    ParetoQuery paretoQuery;

    /** A description's match against one active-profile list (the list object: a re-read list resolves again). */
    private record Resolved(List<DeviceProfile> active, DeviceResolver.Resolution resolution, String variant) {
    }

    /**
     * Device descriptions resolved against the current profile list: fleets send the same few descriptions thousands
     * of times a second, and the match (filter, sort, the reason sentence) is the same for each. Bounded, so random
     * descriptions cannot grow the heap; a miss just resolves again.
     */
    private final Cache<DeviceResolver.Device, Resolved> resolutions = Caffeine.newBuilder().maximumSize(1_000).build();

    /** Validates a request (400 on a bad description or unknown field) without touching the database. */
    public Query query(String model, String profile, String arch, Integer cores, Integer memoryMb, String isa,
                       String accelerator, String fields, String ifNoneMatch) {
        SortedSet<String> wanted = BestAnswers.fields(fields);
        if (profile != null && !profile.isBlank()) {
            return new Query(model, profile, null, wanted, ifNoneMatch);
        }
        DeviceResolver.Device device = DeviceResolver.Device.parse(arch, cores, memoryMb, isa, accelerator);
        if (device.arch() == null) {
            throw ProblemException.invalidRequest("give either device=<profile> or a device description with arch "
                    + "(and cores, memoryMb, isa)");
        }
        return new Query(model, null, device, wanted, ifNoneMatch);
    }

    /** The answer if memory holds everything it needs, else null. Never blocks. */
    public Response fromMemory(Query q) {
        if (q.profile() != null) {
            Object v = cache.ifPresent(q.model(), q.profile());
            return v == null ? null : respond(v, q, null);
        }
        List<DeviceProfile> active = cache.activeIfPresent();
        if (active == null) {
            return null;
        }
        Resolved r = resolve(q.device(), active);
        Object v = cache.ifPresent(q.model(), r.resolution().profile().name());
        return v == null ? null : respond(v, q, r);
    }

    /** The answer, reading the database where memory has nothing fresh. Blocking. */
    public Response answer(Query q) {
        if (q.profile() != null) {
            return respond(cache.get(q.model(), q.profile()), q, null);
        }
        Resolved r = resolve(q.device(), cache.active());
        return respond(cache.get(q.model(), r.resolution().profile().name()), q, r);
    }

    private Resolved resolve(DeviceResolver.Device device, List<DeviceProfile> active) {
        Resolved known = resolutions.getIfPresent(device);
        if (known != null && known.active() == active) {
            return known;
        }
        StringBuilder whyNot = new StringBuilder();
        DeviceResolver.Resolution r = DeviceResolver.resolve(device, active, whyNot);
        if (r == null) {
            throw PromotionProblems.noMatchingProfile(whyNot.toString());
        }
        Resolved fresh = new Resolved(active, r, BestAnswers.variant(true, r.why(), null));
        resolutions.put(device, fresh);
        return fresh;
    }

    /** {@code r} is the description's resolution, or null when a profile was named. */
    private Response respond(Object snapshot, Query q, Resolved r) {
        long staleSeconds = -1;
        if (snapshot instanceof LastKnown.Stale<?> stale) {
            staleSeconds = stale.ageSeconds();
            snapshot = stale.value();
        }
        if (snapshot instanceof ProblemException e) {
            throw e;
        }
        boolean resolved = r != null;
        String why = resolved ? r.resolution().why() : null;
        String variant = resolved && q.fields() == null ? r.variant() : BestAnswers.variant(resolved, why, q.fields());
        return answers.respond((Served) snapshot, resolved, why, q.fields(), variant, q.ifNoneMatch(), staleSeconds);
    }

    /**
     * What serves {@code model} on {@code profile}, from the same snapshot fleets are answered from, without a
     * download URL (pages link to the variant's own download). Blocking.
     *
     * @throws ProblemException when nothing serves there (with the reasons)
     */
    public BestVariant byProfile(String model, String profile) {
        return toApi(cache.get(model, profile));
    }

    /** A (model, profile) pair. */
    public record Pair(String model, String profile) {
    }

    /** What serves one pair, or why nothing does. */
    public record Answer(BestVariant served, ProblemException nothing) {
    }

    /**
     * {@link #byProfile} for many pairs at once (a page listing models): the snapshots memory holds, and one bulk
     * read for the rest instead of one read per pair. Blocking.
     */
    public Map<Pair, Answer> byProfiles(Collection<Pair> pairs) {
        List<BestVariantCache.Key> keys = new ArrayList<>();
        pairs.forEach(p -> keys.add(new BestVariantCache.Key(p.model(), p.profile())));
        Map<Pair, Answer> out = new HashMap<>();
        cache.getAll(keys).forEach((k, snapshot) -> out.put(new Pair(k.model(), k.profile()),
                snapshot instanceof ProblemException e ? new Answer(null, e) : new Answer(toApi(snapshot), null)));
        return out;
    }

    private static BestVariant toApi(Object snapshot) {
        if (snapshot instanceof LastKnown.Stale<?> stale) {
            snapshot = stale.value();
        }
        if (snapshot instanceof ProblemException e) {
            throw e;
        }
        Served s = (Served) snapshot;
        return new BestVariant(s.modelName(), s.profile(), false, null, s.version(), s.variantId(), s.recipe(),
                s.sha256(), s.sizeBytes(), null, s.promotionId(), s.promotedAt(), s.promotedBy(), s.benchmark(),
                s.deltas(), s.fallback(), s.fallbackReason());
    }

    /** Every candidate of the version on the profile with its numbers, Pareto-optimal ones marked. */
    public List<ParetoPoint> pareto(ModelVersion version, String profile) {
        if (profile == null || profile.isBlank()) {
            throw ProblemException.invalidRequest("device (a profile name) is required");
        }
        profiles.get(profile);
        return paretoQuery.of(version, List.of(profile)).get(profile);
    }
}
