package dev.modelforge.api.profile;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A reference to a compression recipe as the registry stores it: an ordered list of passes with parameters.
 *
 * <p>The registry never runs recipes (it must not carry ONNX Runtime), so this type only names them. Its
 * {@link #canonicalJson()} and {@link #hash()} are what the planner deduplicates on and what a variant is keyed by
 * (together with the model version and the tool version), so two profiles that ask for the same recipe with the same
 * parameters share one job and one variant.
 *
 * <p>JSON accepts three spellings: a bare string ({@code "int8-dynamic"}), one step
 * ({@code {"name":"int8-static","params":{"calibration":"entropy"}}}), or a chain
 * ({@code {"steps":[{"name":"prune-structured","params":{"ratio":0.3}},{"name":"int8-static"}]}}); it is always
 * written as the chain form.
 *
 * @param steps the passes in order; never empty
 */
public record RecipeRef(List<RecipeStep> steps) {

    /** The recipe name of the unmodified original ("variant" of the upload itself). */
    public static final String BASELINE = "baseline";

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Validates that there is at least one step and freezes the list. */
    public RecipeRef {
        Objects.requireNonNull(steps, "steps");
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a recipe needs at least one step");
        }
        steps = List.copyOf(steps);
    }

    /** A one-step recipe with default parameters. */
    public static RecipeRef of(String name) {
        return new RecipeRef(List.of(RecipeStep.of(name)));
    }

    /** A one-step recipe with parameters. */
    public static RecipeRef of(String name, Map<String, Object> params) {
        return new RecipeRef(List.of(new RecipeStep(name, params)));
    }

    /** The recipe of the baseline variant. */
    public static RecipeRef baseline() {
        return of(BASELINE);
    }

    /** Jackson entry point accepting the three spellings described on the type. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static RecipeRef fromJson(Object json) {
        if (json instanceof String name) {
            return of(name);
        }
        if (json instanceof Map<?, ?> map) {
            Object steps = map.get("steps");
            if (steps instanceof List<?> list) {
                return new RecipeRef(list.stream().map(RecipeRef::stepFromJson).toList());
            }
            return new RecipeRef(List.of(stepFromJson(map)));
        }
        throw new IllegalArgumentException("a recipe is a name, {name, params} or {steps: [...]}");
    }

    @SuppressWarnings("unchecked")
    private static RecipeStep stepFromJson(Object json) {
        if (json instanceof String name) {
            return RecipeStep.of(name);
        }
        if (json instanceof Map<?, ?> map && map.get("name") instanceof String name) {
            Object params = map.get("params");
            if (params != null && !(params instanceof Map)) {
                throw new IllegalArgumentException("recipe step '" + name + "': params must be an object");
            }
            return new RecipeStep(name, (Map<String, Object>) params);
        }
        throw new IllegalArgumentException("a recipe step needs a string 'name'");
    }

    /** The steps, as serialized. */
    @JsonProperty("steps")
    @Override
    public List<RecipeStep> steps() {
        return steps;
    }

    /** A readable label such as {@code prune-structured+int8-static}; not unique (parameters are left out). */
    @JsonProperty(value = "label", access = JsonProperty.Access.READ_ONLY)
    public String label() {
        return steps.stream().map(RecipeStep::name).collect(Collectors.joining("+"));
    }

    /** Whether this is the baseline (the original, unchanged). */
    @JsonIgnore
    public boolean isBaseline() {
        return steps.size() == 1 && BASELINE.equals(steps.get(0).name());
    }

    /** JSON with sorted keys and no whitespace: equal recipes give equal strings. */
    @JsonIgnore
    public String canonicalJson() {
        try {
            return CANONICAL.writeValueAsString(Map.of("steps", steps.stream()
                    .map(s -> Map.of("name", s.name(), "params", s.params())).toList()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("recipe parameters must be plain JSON values", e);
        }
    }

    /** Lower-case hex sha256 of {@link #canonicalJson()}. */
    @JsonIgnore
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
