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

    OptLevel ort() {
        return ort;
    }
}
