package dev.modelforge.compress.search;

/** What the search minimises among candidates that meet the accuracy budget. */
public enum Objective {
    /** Measured ONNX Runtime latency ratio vs the float model (paired, spinning off). */
    LATENCY,
    /** Serialized artifact size. */
    SIZE
}
