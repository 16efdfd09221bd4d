package dev.modelforge.compress.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ordered list of passes with parameters, as JSON:
 * {@code [{"pass":"int8-dynamic","params":{"perChannel":true}}]}.
 *
 * <p>{@link #canonicalJson()} (sorted keys, no whitespace) and {@link #sha256()} identify a recipe
 * for de-duplication: two recipes that differ only in formatting or key order hash the same.
 *
 * @param steps the passes, in order
 */
public record Recipe(List<RecipeStep> steps) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * The recipe names documented as the usual starting points. Every registered pass is a recipe by
     * its own name as well ({@link #resolve(String, Set)}): {@code prune-structured}, {@code sparse-encode}, …
     * ({@code auto} is the accuracy-aware search, which {@link dev.modelforge.compress.Compressor} runs itself).
     */
    public static final Set<String> BUILT_IN = Set.of("int8-dynamic", "int8-static", "int4-weight-only", "fp16",
            "auto");

    public Recipe {
        steps = List.copyOf(steps);
    }

    /** A recipe of the given steps. */
    public static Recipe of(RecipeStep... steps) {
        return new Recipe(List.of(steps));
    }

    /**
     * Resolves {@code --recipe} against the passes on the class path: a pass name, or a path to a JSON file.
     *
     * @throws RecipeException if it is neither, or the file is not a valid recipe
     */
    public static Recipe resolve(String nameOrFile) throws RecipeException {
        return resolve(nameOrFile, dev.modelforge.compress.pass.PassRegistry.discover().names());
    }

    /**
     * Resolves {@code --recipe}: one of {@code passNames} (a one-step recipe with that pass's defaults), or
     * a path to a JSON file. A name wins over a file of the same name in the working directory.
     *
     * @param passNames the registered pass names
     * @throws RecipeException if it is neither, or the file is not a valid recipe
     */
    public static Recipe resolve(String nameOrFile, Set<String> passNames) throws RecipeException {
        if (passNames.contains(nameOrFile) || BUILT_IN.contains(nameOrFile)) {
            return of(RecipeStep.of(nameOrFile));
        }
        Path p = Path.of(nameOrFile);
        if (Files.isRegularFile(p)) {
            try {
                return parse(Files.readString(p, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new RecipeException("cannot read recipe file " + p + ": " + e.getMessage(), e);
            }
        }
        throw new RecipeException("unknown recipe '" + nameOrFile + "': not a pass ("
                + String.join(", ", new java.util.TreeSet<>(passNames)) + ") and not an existing JSON file");
    }

    /**
     * Parses recipe JSON: a list of {@code {"pass": name, "params": {...}}} objects (a single
     * object is accepted as a one-step recipe).
     */
    public static Recipe parse(String json) throws RecipeException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RecipeException("recipe is not valid JSON: " + e.getOriginalMessage(), e);
        }
        List<JsonNode> items = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(items::add);
        } else if (root != null && root.isObject()) {
            items.add(root);
        } else {
            throw new RecipeException("recipe must be a JSON list of {\"pass\": ..., \"params\": {...}} objects");
        }
        if (items.isEmpty()) {
            throw new RecipeException("recipe has no steps");
        }
        List<RecipeStep> steps = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isObject() || !item.path("pass").isTextual()) {
                throw new RecipeException("recipe step " + (i + 1) + " needs a string field \"pass\"");
            }
            for (Iterator<String> it = item.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!f.equals("pass") && !f.equals("params")) {
                    throw new RecipeException("recipe step " + (i + 1) + " (" + item.get("pass").asText()
                            + ") has unknown field \"" + f + "\"; only \"pass\" and \"params\" are allowed");
                }
            }
            JsonNode params = item.path("params");
            if (!params.isMissingNode() && !params.isNull() && !params.isObject()) {
                throw new RecipeException("recipe step " + (i + 1) + ": \"params\" must be an object");
            }
            Map<String, Object> values = params.isObject()
                    ? JSON.convertValue(params, new TypeReference<LinkedHashMap<String, Object>>() { })
                    : Map.of();
            steps.add(new RecipeStep(item.get("pass").asText(), values));
        }
        return new Recipe(steps);
    }

    /**
     * Applies {@code --param key=value} overrides: {@code key} sets the parameter on every step
     * whose pass is the only one (single-step recipes), {@code pass.key} targets a named pass.
     */
    public Recipe withOverrides(Map<String, String> overrides) throws RecipeException {
        List<RecipeStep> out = new ArrayList<>(steps);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            boolean applied = false;
            for (int i = 0; i < out.size(); i++) {
                RecipeStep s = out.get(i);
                if (dot > 0 && key.substring(0, dot).equals(s.pass())) {
                    out.set(i, s.with(key.substring(dot + 1), e.getValue()));
                    applied = true;
                } else if (dot < 0 && out.size() == 1) {
                    out.set(i, s.with(key, e.getValue()));
                    applied = true;
                }
            }
            if (!applied) {
                throw new RecipeException("--param " + key + ": " + (dot < 0
                        ? "this recipe has " + out.size() + " steps; write <pass>.<param>=value"
                        : "no step runs pass '" + key.substring(0, dot) + "'"));
            }
        }
        return new Recipe(out);
    }

    /** Sorted-key, whitespace-free JSON: the form hashed and stored with variants. */
    public String canonicalJson() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (RecipeStep s : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("params", s.params());
            m.put("pass", s.pass());
            list.add(m);
        }
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex sha-256 of {@link #canonicalJson()}. */
    public String sha256() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
