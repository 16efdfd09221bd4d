package dev.modelforge.localstack;

import java.nio.file.Files;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The background "stack" JVM of {@code ./modelforge up}: runs a {@link LocalStack} until SIGTERM
 * and publishes its connection settings for the launcher in {@code stack.properties}.
 */
final class StackServe {

    private StackServe() {
    }

    static int run(StateDir state) throws Exception {
        Directories.deleteRecursively(state.stackWorkDir());
        Files.createDirectories(state.stackWorkDir());
        LocalStack stack = LocalStack.start(state.stackWorkDir());
        System.out.println("local stack ready: " + stack.timings());
        Properties settings = new Properties();
        stack.serviceEnvironment().forEach((k, v) -> settings.setProperty("env." + k, v));
        stack.externalProcesses().forEach((name, pid) -> settings.setProperty("pid." + name, Long.toString(pid)));
        settings.setProperty("timings", stack.timings().toString());
        settings.setProperty("timings.totalMillis", Long.toString(stack.timings().total().toMillis()));
        state.writeProperties(state.stackSettingsFile(), settings);
        // Runs until SIGTERM; LocalStack's shutdown hook then stops Kafka, s3proxy and PostgreSQL.
        new CountDownLatch(1).await();
        return 0;
    }
}
