package dev.modelforge.compress.validate;

import java.util.List;

/**
 * Outcome of validating a compressed model.
 *
 * @param passed     true when ORT loaded and ran it, outputs were finite, and the gates held
 * @param failure    why it failed (ORT's message, the gate that did not hold); null when passed
 * @param dataSource {@code eval} (the caller's dataset) or {@code synthetic} (generated inputs)
 * @param metrics    measurements (null when the model could not run at all)
 * @param warnings   notes (ignored arrays, outputs that could not be compared, ...)
 */
public record ValidationResult(boolean passed, String failure, String dataSource, Metrics metrics,
                               List<String> warnings) {
    public ValidationResult {
        warnings = List.copyOf(warnings);
    }
}
