package dev.modelforge.localstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives every {@code @QuarkusTest} real PostgreSQL, Kafka and S3 with Dev Services off.
 *
 * <p>One {@link LocalStack} serves the whole test JVM: Quarkus restarts the application between
 * test profiles and calls {@link #stop()} each time, but restarting the stack would cost seconds
 * per profile, so it lives until the JVM exits. Its work directory goes with it.
 */
public class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    private static LocalStack stack;
    private static Path workDir;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new LinkedHashMap<>(shared().quarkusConfig());
        config.put("quarkus.devservices.enabled", "false");
        return config;
    }

    @Override
    public void stop() {
        // Intentionally empty: see the class comment. The JVM shutdown hook stops the stack.
    }

    /** The stack for this JVM, started on first use; usable from plain JUnit tests too. */
    public static synchronized LocalStack shared() {
        if (stack == null) {
            try {
                workDir = Files.createTempDirectory(baseDir(), "modelforge-stack-");
                stack = LocalStack.start(workDir);
                System.err.println("local-stack started in " + workDir + ": " + stack.timings());
                // Registered after LocalStack's own hook is irrelevant: hooks run concurrently,
                // so this one closes the stack itself before deleting its files.
                Runtime.getRuntime().addShutdownHook(new Thread(LocalStackTestResource::shutdown,
                        "local-stack-test-resource"));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the local stack", e);
            }
        }
        return stack;
    }

    private static synchronized void shutdown() {
        try {
            stack.close();
        } catch (IOException e) {
            System.err.println("local-stack: " + e.getMessage());
        }
        Directories.deleteRecursively(workDir);
    }

    /** target/ of the module under test when Maven runs us, so leftovers are easy to find. */
    private static Path baseDir() throws IOException {
        Path target = Path.of("target");
        Path base = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createDirectories(base.toAbsolutePath());
    }
}
