package dev.modelforge.localstack;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.util.Optional;

/**
 * A tiny {@code sh} loop that signals a process once this JVM is gone. Covers the case no shutdown
 * hook can: the JVM killed with SIGKILL, which would otherwise leave postgres (started by pg_ctl,
 * so not even our descendant) and the s3proxy JVM running forever.
 */
final class OrphanReaper implements AutoCloseable {

    private static final String SCRIPT = """
            parent=$1; pid=$2; sig=$3
            while kill -0 "$parent" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
            if kill -0 "$pid" 2>/dev/null; then
              kill -"$sig" "$pid" 2>/dev/null; sleep 5; kill -KILL "$pid" 2>/dev/null
            fi
            exit 0
            """;

    private final Process process;

    private OrphanReaper(Process process) {
        this.process = process;
    }

    /** Watches {@code pid}; returns empty when no POSIX shell exists (best effort only). */
    static Optional<OrphanReaper> watch(long pid, String signal) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "modelforge-reaper",
                Long.toString(ProcessHandle.current().pid()), Long.toString(pid), signal)
                .redirectInput(Redirect.PIPE)
                .redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD);
        try {
            return Optional.of(new OrphanReaper(builder.start()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
