package dev.modelforge.compress.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.PassReport;
import dev.modelforge.compress.validate.ValidationResult;

import java.util.List;

/**
 * Everything a compression run did, as stored next to the variant: tool version, the canonical
 * recipe and its hash, per-pass reports (per node: action, reason, scales, bytes), model stats
 * before and after, validation metrics, and wall time.
 *
 * @param tool          tool name
 * @param toolVersion   tool version
 * @param recipe        canonical recipe JSON (every parameter explicit)
 * @param recipeSha256  hash of {@code recipe}
 * @param before        input model stats
 * @param after         output model stats
 * @param passes        one report per pass, in order
 * @param validation    validation outcome
 * @param elapsedMillis wall time of the whole run
 * @param search        for the {@code auto} recipe: the search's JSON (chosen candidate and its recipe,
 *                      whether the budget was met, diagnosis, sensitivity map, decisions, candidates),
 *                      which a later version's search can warm-start from; null for other recipes
 */
public record CompressionReport(String tool, String toolVersion, String recipe, String recipeSha256,
                                ModelStats before, ModelStats after, List<PassReport> passes,
                                ValidationResult validation, long elapsedMillis,
                                @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode search) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public CompressionReport {
        passes = List.copyOf(passes);
    }

    /** A report of a recipe without a search. */
    public CompressionReport(String tool, String toolVersion, String recipe, String recipeSha256,
                             ModelStats before, ModelStats after, List<PassReport> passes,
                             ValidationResult validation, long elapsedMillis) {
        this(tool, toolVersion, recipe, recipeSha256, before, after, passes, validation, elapsedMillis, null);
    }

    /** Output size / input size (file bytes). */
    public double sizeRatio() {
        return before.fileBytes() == 0 ? 1.0 : (double) after.fileBytes() / before.fileBytes();
    }

    /** Nodes with {@code action} over all passes. */
    public long count(NodeAction action) {
        return passes.stream().mapToLong(p -> p.count(action)).sum();
    }

    /** Pretty JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report not serialisable", e);
        }
    }

    /** Parses a report written by {@link #toJson()}. */
    public static CompressionReport fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, CompressionReport.class);
    }
}
