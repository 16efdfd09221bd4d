package dev.modelforge.api.event;

/** Kafka topics the registry publishes to. */
public final class Topics {
    /** Model version lifecycle events, keyed by model id. */
    public static final String MODEL_VERSIONS = "modelforge.model-versions";

    private Topics() {
    }
}
