package dev.modelforge.compress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.search.AutoPass;
import dev.modelforge.compress.search.AutoSearch;
import dev.modelforge.compress.search.SearchOutcome;
import dev.modelforge.compress.search.SearchSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code auto} recipe inside {@link Compressor}: runs {@link AutoSearch} on the request's model
 * and data and hands back the concrete recipe it chose plus the search's JSON (sensitivity map,
 * candidates, decisions, diagnosis), which goes into the report so a later version can warm-start.
 */
final class AutoRecipeRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Samples per latency measurement: a batch like the one validation runs. */
    private static final int LATENCY_BATCH = 32;

    private AutoRecipeRun() {
    }

    /**
     * What the search decided.
     *
     * @param recipe the chosen concrete recipe (empty when only the float model was left)
     * @param search the search's JSON for the report
     */
    record Result(Recipe recipe, JsonNode search) {
    }

    static Result search(CompressionRequest req, PassParams params, Path evalFile) throws CompressionException {
        AutoPass.Settings s = AutoPass.settings(params);
        Map<String, Double> previous = req.warmStart().isPresent() ? readWarmStart(req.warmStart().get()) : Map.of();
        SearchSpec spec = new SearchSpec(s.maxDropPoints(), s.objective(), s.timeBudget(),
                req.calibration().orElse(null), evalFile, req.threads(), LATENCY_BATCH, previous);
        ProgressListener progress = req.progress();
        progress.onProgress("auto search", 0, 1);
        SearchOutcome o;
        try {
            o = new AutoSearch(spec).run(req.input());
        } catch (IOException e) {
            throw new CompressionException(CompressionException.Kind.IO, "the auto search could not use its scratch "
                    + "files: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CompressionException(CompressionException.Kind.REFUSED, "the auto search failed on this model: "
                    + e, e);
        }
        progress.onProgress("auto search", 1, 1);
        try {
            JsonNode json = JSON.readTree(AutoSearch.toJson(o));
            if (req.warmStart().isPresent() && json.isObject()) {
                ((ObjectNode) json).put("warmStartedFrom",
                        req.warmStart().get().toString());
            }
            return new Result(o.recipe(), json);
        } catch (IOException e) {
            throw new IllegalStateException("the search JSON does not parse back", e);
        }
    }

    /**
     * The sensitivity map of a previous run: a compression report ({@code search.sensitivity}) or
     * the search JSON itself ({@code sensitivity}).
     */
    static Map<String, Double> readWarmStart(Path file) throws CompressionException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT, "warm-start report " + file
                    + " cannot be read as JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.path("search").path("sensitivity");
        if (map == null || !map.isObject()) {
            map = root == null ? null : root.path("sensitivity");
        }
        if (map == null || !map.isObject()) {
            throw new CompressionException(CompressionException.Kind.BAD_INPUT, "warm-start report " + file
                    + " has no sensitivity map: pass the --report JSON of an earlier auto run");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new CompressionException(CompressionException.Kind.BAD_INPUT, "warm-start report " + file
                        + ": sensitivity of '" + e.getKey() + "' is not a number");
            }
            out.put(e.getKey(), e.getValue().doubleValue());
        }
        return out;
    }

    /** True when the recipe is the {@code auto} recipe (or mentions it). */
    static boolean isAuto(Recipe r) {
        return r.steps().stream().anyMatch(s -> s.pass().equals(AutoPass.NAME));
    }
}
