package dev.modelforge.localstack;

import java.nio.file.Path;

/**
 * The local stack's Kafka broker alone in its own JVM, for fault-injection tests that must stop the broker (SIGSTOP)
 * without stopping the test: prints {@code kafka-bootstrap=HOST:PORT} once the broker is ready and runs until its
 * standard input closes (the parent exited or closed it), then shuts the broker down.
 */
public final class StandaloneKafka {

    /** The line prefix the bootstrap servers are printed after. */
    public static final String READY_PREFIX = "kafka-bootstrap=";

    private StandaloneKafka() {
    }

    /**
     * @param args the broker's data directory
     * @throws Exception when the broker does not start
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: StandaloneKafka DATA_DIR");
            System.exit(2);
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]))) {
            System.out.println(READY_PREFIX + kafka.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // a parent that dies closes the pipe: read() answers -1 and the broker stops
            }
        }
        System.exit(0);
    }
}
