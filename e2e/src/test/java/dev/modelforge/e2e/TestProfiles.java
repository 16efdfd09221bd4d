package dev.modelforge.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.Hardware;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.profile.RuntimeSettings;

import java.util.List;
import java.util.Map;

/**
 * The device profiles the end-to-end test creates through the API, one per policy behaviour under test. All are
 * x86_64 with one intra-op thread, so the benchmark worker on this machine can measure every one of them, and use
 * at most two recipes whose size and accuracy on the CNN fixture are known: int8-static makes it 0.3x the size with no
 * accuracy loss; int8-dynamic quantizes only its Gemm (0.99x size). Their latency is not known in advance: int8-static
 * measured 0.70-0.80x the float CNN on one machine and 0.85-1.02x on another, so no assertion here hangs on it.
 */
final class TestProfiles {

    /**
     * Objective latency: a winner must be measured faster than the baseline (paired, CI below 1). Whether any variant
     * is depends on the machine, so the test checks that the decision follows the stored measurements either way.
     */
    static final String LATENCY = "e2e-latency";
    /** Objective size: deterministic, so a bigger second version certainly loses against the champion. */
    static final String SIZE = "e2e-size";
    /**
     * Like {@link #SIZE}, with {@code preferNewest}: a newer version's best replaces the champion anyway. The only
     * 2-core profile: a described device with two or more cores resolves here.
     */
    static final String NEWEST = "e2e-newest";
    /** Approval mode: the decision waits for a promoter. */
    static final String APPROVAL = "e2e-approval";
    /** A size limit (10 KiB) no variant of the fixtures meets. */
    static final String IMPOSSIBLE = "e2e-impossible";

    static final double MAX_ACCURACY_DROP_POINTS = 1.0;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<RecipeRef> BOTH = List.of(RecipeRef.of("int8-static"), RecipeRef.of("int8-dynamic"));

    private TestProfiles() {
    }

    static List<DeviceProfile> all() {
        return List.of(
                profile(LATENCY, 1, 1024, List.of(), BOTH,
                        policy(Map.of("maxAccuracyDropPoints", MAX_ACCURACY_DROP_POINTS), List.of("latency", "size"),
                                "auto", false)),
                // of the 1-core profiles the one with the most memory: a described 1-core device resolves here
                profile(SIZE, 1, 2048, List.of(), BOTH,
                        policy(Map.of("maxAccuracyDropPoints", MAX_ACCURACY_DROP_POINTS), List.of("size", "latency"),
                                "auto", false)),
                // the only 2-core profile: a described device with >= 2 cores resolves here
                profile(NEWEST, 2, 4096, List.of("avx2"), BOTH,
                        policy(Map.of("maxAccuracyDropPoints", MAX_ACCURACY_DROP_POINTS), List.of("size", "latency"),
                                "auto", true)),
                profile(APPROVAL, 1, 1024, List.of(), List.of(RecipeRef.of("int8-static")),
                        policy(Map.of("maxAccuracyDropPoints", MAX_ACCURACY_DROP_POINTS), List.of("size"),
                                "approval", false)),
                profile(IMPOSSIBLE, 1, 1024, List.of(), BOTH,
                        policy(Map.of("maxAccuracyDropPoints", MAX_ACCURACY_DROP_POINTS, "maxSizeMb", 0.01),
                                List.of("size"), "auto", false)));
    }

    /** The same profile, switched off: new versions are no longer planned for it. */
    static DeviceProfile inactive(DeviceProfile p) {
        return new DeviceProfile(p.name(), p.description(), false, p.hardware(), p.runtime(), p.limits(), p.recipes(),
                p.policy(), null, null);
    }

    private static DeviceProfile profile(String name, int cores, int memoryMb, List<String> isa,
                                         List<RecipeRef> recipes, JsonNode policy) {
        return new DeviceProfile(name, "end-to-end test profile", true,
                new Hardware("x86_64", cores, memoryMb, isa, null), new RuntimeSettings("cpu", 1, 1, "all"), null,
                recipes, policy, null, null);
    }

    private static JsonNode policy(Map<String, Object> constraints, List<String> objectives, String mode,
                                   boolean preferNewest) {
        // Baseline fallback is on by default (issue 16); these profiles test the policy's own choices without it.
        return JSON.valueToTree(Map.of("constraints", constraints, "objectives", objectives, "mode", mode,
                "preferNewest", preferNewest, "fallbackToBaseline", false));
    }
}
