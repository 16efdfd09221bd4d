package dev.modelforge.compress.report;

import dev.modelforge.compress.ir.Model;

import java.util.Map;

/**
 * Size and shape of a model at one end of a compression.
 *
 * @param fileBytes    bytes on disk (model file plus external data)
 * @param weightBytes  raw bytes of all initializers
 * @param defaultOpset default-domain opset
 * @param opHistogram  op counts by {@code [domain:]opType}
 */
public record ModelStats(long fileBytes, long weightBytes, long defaultOpset, Map<String, Integer> opHistogram) {
    public ModelStats {
        opHistogram = Map.copyOf(opHistogram);
    }

    /** Stats of a model whose serialised size is {@code fileBytes}. */
    public static ModelStats of(Model m, long fileBytes) {
        return new ModelStats(fileBytes, m.graph().initializerBytes(), m.defaultOpset(), m.graph().opHistogram());
    }
}
