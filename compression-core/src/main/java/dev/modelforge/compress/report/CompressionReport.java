package dev.modelforge.compress.report;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 */
public record CompressionReport(String tool, String toolVersion, String recipe, String recipeSha256,
                                ModelStats before, ModelStats after, List<PassReport> passes,
                                ValidationResult validation, long elapsedMillis) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public CompressionReport {
        passes = List.copyOf(passes);
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
