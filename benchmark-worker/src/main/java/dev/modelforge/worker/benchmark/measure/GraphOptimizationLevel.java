package dev.modelforge.worker.benchmark.measure;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/** ONNX Runtime graph optimization levels, as a device profile names them. */
public enum GraphOptimizationLevel {
    DISABLED(OptLevel.NO_OPT),
    BASIC(OptLevel.BASIC_OPT),
    EXTENDED(OptLevel.EXTENDED_OPT),
    ALL(OptLevel.ALL_OPT);

    private final OptLevel ort;

    GraphOptimizationLevel(OptLevel ort) {
        this.ort = ort;
    }

    /**
     * @param name profile spelling: disabled/none, basic, extended, all (case-insensitive); null = all
     * @return the level
     */
    public static GraphOptimizationLevel parse(String name) {
        if (name == null || name.isBlank()) {
            return ALL;
        }
        String n = name.trim().toUpperCase(java.util.Locale.ROOT);
        return n.equals("NONE") || n.equals("DISABLE") ? DISABLED : valueOf(n);
    }

    OptLevel ort() {
        return ort;
    }
}
