package dev.modelforge.worker.benchmark.measure;

import java.util.Map;
import java.util.Set;

/**
 * The environment a measuring child process gets: only what starting a JVM and ONNX Runtime needs. The child loads
 * an untrusted model into native code; if the model escapes the runtime it must find no registry API key and no
 * object-store credentials (the parent downloads the artifacts and reports the results; the child needs neither).
 */
public final class ChildEnvironment {

    /** Variables a child keeps; everything else — API keys, S3 and database secrets, registry URLs — is dropped. */
    static final Set<String> KEPT = Set.of("PATH", "HOME", "USER", "TMPDIR", "TMP", "TEMP", "LANG", "LC_ALL",
            "LC_CTYPE", "TZ", "JAVA_HOME", "LD_LIBRARY_PATH", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR");

    private ChildEnvironment() {
    }

    /**
     * Removes from {@code environment} (a {@link ProcessBuilder#environment()}) every variable not in the allow list.
     *
     * @param environment the child's environment, changed in place
     */
    public static void scrub(Map<String, String> environment) {
        environment.keySet().removeIf(name -> !KEPT.contains(name));
    }
}
