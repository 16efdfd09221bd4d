package dev.modelforge.registry.version;

import dev.modelforge.api.version.SourceMetadata;
import dev.modelforge.registry.error.ProblemException;
import java.util.Map;

/**
 * Caps on a version's free-text source metadata, checked before a byte of the model is read. Stored with
 * the version and shown everywhere it is listed, so a client cannot make every listing megabytes long.
 */
final class SourceLimits {
    static final int MAX_GIT_SHA = 100;
    static final int MAX_URL = 2048;
    static final int MAX_FRAMEWORK = 200;
    static final int MAX_LABELS = 50;
    static final int MAX_LABEL_KEY = 64;
    static final int MAX_LABEL_VALUE = 256;

    private SourceLimits() {
    }

    static void check(SourceMetadata s) {
        if (s == null) {
            return;
        }
        cap("gitSha", s.gitSha(), MAX_GIT_SHA);
        cap("pipelineUrl", s.pipelineUrl(), MAX_URL);
        cap("framework", s.framework(), MAX_FRAMEWORK);
        Map<String, String> labels = s.labels();
        if (labels == null) {
            return;
        }
        if (labels.size() > MAX_LABELS) {
            throw ProblemException.invalidRequest("at most " + MAX_LABELS + " source labels, got " + labels.size());
        }
        for (var e : labels.entrySet()) {
            cap("label key", e.getKey(), MAX_LABEL_KEY);
            cap("label '" + e.getKey() + "'", e.getValue(), MAX_LABEL_VALUE);
        }
    }

    private static void cap(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw ProblemException.invalidRequest("source " + what + " is " + value.length()
                    + " characters long; at most " + max + " are accepted");
        }
    }
}
