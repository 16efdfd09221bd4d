package dev.modelforge.cli;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test of CLI commands against a {@link CannedRegistry} started fresh for each test, with captured output. */
abstract class CannedCliTest {
    CannedRegistry registry;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void startRegistry() throws IOException {
        registry = new CannedRegistry();
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    /** Runs the CLI against the canned registry; its exit code. */
    int run(String... args) {
        return registry.runCli(out, err, args);
    }
}
