package dev.modelforge.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * PostgreSQL, a KRaft Kafka broker and an S3 server on loopback, without Docker.
 *
 * <p>PostgreSQL runs from zonky's bundled binaries, Kafka in this JVM, s3proxy as a child JVM.
 * Services named by {@code MODELFORGE_*} variables (see {@link ExternalServices}) are used instead
 * of their embedded counterparts. The three parts start concurrently. {@link #close()} (or the JVM
 * shutdown hook, or the orphan reapers if the JVM is killed) stops everything started here.
 */
public final class LocalStack implements AutoCloseable {

    public static final String BUCKET = "modelforge";
    public static final String REGION = "us-east-1";

    private final EmbeddedDatabase database;
    private final EmbeddedKafka kafka;
    private final S3ProxyServer s3proxy;
    private final ExternalServices.Database db;
    private final String kafkaBootstrap;
    private final ExternalServices.ObjectStore store;
    private final StartupTimings timings;
    private final Thread shutdownHook = new Thread(this::closeQuietly, "local-stack-shutdown");
    private boolean closed;

    private LocalStack(Parts parts, StartupTimings timings) {
        this.database = parts.database;
        this.kafka = parts.kafka;
        this.s3proxy = parts.s3proxy;
        this.db = parts.db;
        this.kafkaBootstrap = parts.kafkaBootstrap;
        this.store = parts.store;
        this.timings = timings;
    }

    /** Starts the stack, honouring the {@code MODELFORGE_*} environment variables. */
    public static LocalStack start(Path workDir) throws IOException {
        return start(workDir, ExternalServices.from(System.getenv()));
    }

    /** Starts what {@code external} does not provide; state lives under {@code workDir}. */
    public static LocalStack start(Path workDir, ExternalServices external) throws IOException {
        Files.createDirectories(workDir);
        long begin = System.nanoTime();
        Parts parts = new Parts();
        ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "local-stack-start");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Duration> pg = pool.submit(timed(() -> {
                if (external.database().isPresent()) {
                    parts.db = external.database().get();
                    return false;
                }
                parts.database = EmbeddedDatabase.start(workDir.resolve("postgres"));
                parts.db = new ExternalServices.Database(parts.database.jdbcUrl(), EmbeddedDatabase.USER,
                        EmbeddedDatabase.PASSWORD);
                return true;
            }));
            Future<Duration> kf = pool.submit(timed(() -> {
                if (external.kafkaBootstrap().isPresent()) {
                    parts.kafkaBootstrap = external.kafkaBootstrap().get();
                    return false;
                }
                parts.kafka = EmbeddedKafka.start(workDir.resolve("kafka"));
                parts.kafkaBootstrap = parts.kafka.bootstrapServers();
                return true;
            }));
            Future<Duration> s3 = pool.submit(timed(() -> {
                boolean embedded = external.objectStore().isEmpty();
                if (embedded) {
                    parts.s3proxy = S3ProxyServer.start(workDir.resolve("s3"));
                    parts.store = new ExternalServices.ObjectStore(parts.s3proxy.endpoint(),
                            parts.s3proxy.accessKey(), parts.s3proxy.secretKey());
                } else {
                    parts.store = external.objectStore().get();
                }
                // External stores get the bucket too, as MinIO's init container would do.
                S3ProxyServer.createBucket(parts.store.endpoint(), parts.store.accessKey(),
                        parts.store.secretKey(), BUCKET, REGION);
                return embedded;
            }));
            List<Duration> durations = awaitAll(List.of(pg, kf, s3), parts);
            StartupTimings timings = new StartupTimings(durations.get(0), durations.get(1), durations.get(2),
                    Duration.ofNanos(System.nanoTime() - begin));
            LocalStack stack = new LocalStack(parts, timings);
            Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
            return stack;
        } finally {
            pool.shutdownNow();
        }
    }

    public String jdbcUrl() {
        return db.jdbcUrl();
    }

    public String username() {
        return db.username();
    }

    public String password() {
        return db.password();
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public String s3Endpoint() {
        return store.endpoint();
    }

    public String s3AccessKey() {
        return store.accessKey();
    }

    public String s3SecretKey() {
        return store.secretKey();
    }

    public StartupTimings timings() {
        return timings;
    }

    /** The shared config keys every ModelForge Quarkus service reads. */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.jdbc.url", jdbcUrl());
        config.put("quarkus.datasource.username", username());
        config.put("quarkus.datasource.password", password());
        config.put("kafka.bootstrap.servers", kafkaBootstrap());
        config.put("modelforge.storage.endpoint", s3Endpoint());
        config.put("modelforge.storage.access-key", s3AccessKey());
        config.put("modelforge.storage.secret-key", s3SecretKey());
        config.put("modelforge.storage.bucket", BUCKET);
        config.put("modelforge.storage.region", REGION);
        return config;
    }

    /** {@link #quarkusConfig()} as environment variables, named the way Quarkus maps them back. */
    public Map<String, String> quarkusEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        quarkusConfig().forEach((key, value) -> env.put(toEnvName(key), value));
        return env;
    }

    /**
     * Environment for a ModelForge service process: the {@code MODELFORGE_*} contract variables
     * (what application.properties, docker-compose and Kubernetes use) plus the canonical Quarkus
     * names, so a service is configured whichever form it reads.
     */
    public Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ExternalServices.DB_URL, jdbcUrl());
        env.put(ExternalServices.DB_USER, username());
        env.put(ExternalServices.DB_PASSWORD, password());
        env.put(ExternalServices.KAFKA_BOOTSTRAP, kafkaBootstrap());
        env.put(ExternalServices.S3_ENDPOINT, s3Endpoint());
        env.put(ExternalServices.S3_ACCESS_KEY, s3AccessKey());
        env.put(ExternalServices.S3_SECRET_KEY, s3SecretKey());
        env.put("MODELFORGE_S3_BUCKET", BUCKET);
        env.put("MODELFORGE_S3_REGION", REGION);
        env.putAll(quarkusEnvironment());
        return env;
    }

    /** These services described as {@link ExternalServices}, e.g. for a second stack sharing them. */
    public ExternalServices asExternal() {
        return new ExternalServices(Optional.of(db), Optional.of(kafkaBootstrap), Optional.of(store));
    }

    /** Processes outside this JVM that belong to the stack (postmaster, s3proxy), for supervisors. */
    public Map<String, Long> externalProcesses() {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (database != null) {
            database.postmasterPid().ifPresent(pid -> pids.put("postgres", pid));
        }
        if (s3proxy != null) {
            pids.put("s3proxy", s3proxy.pid());
        }
        return pids;
    }

    static String toEnvName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        List<Exception> failures = new ArrayList<>();
        // Kafka first: it may still talk to nothing else, and it is the slowest to notice peers gone.
        closeInto(kafka, failures);
        closeInto(s3proxy, failures);
        closeInto(database, failures);
        if (!failures.isEmpty()) {
            IOException e = new IOException("local stack did not stop cleanly");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            System.err.println("local-stack: " + e.getMessage());
        }
    }

    private static void closeInto(AutoCloseable part, List<Exception> failures) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            failures.add(e);
        }
    }

    private static Callable<Duration> timed(Callable<Boolean> startPart) {
        return () -> {
            long t0 = System.nanoTime();
            boolean started = startPart.call();
            return started ? Duration.ofNanos(System.nanoTime() - t0) : Duration.ZERO;
        };
    }

    /**
     * Waits for every part, even after one failed, so a part still starting is not leaked; then
     * either returns all durations or stops what came up and reports the first failure.
     */
    private static List<Duration> awaitAll(List<Future<Duration>> futures, Parts parts) throws IOException {
        List<Duration> durations = new ArrayList<>();
        Throwable failure = null;
        boolean interrupted = false;
        for (Future<Duration> future : futures) {
            while (true) {
                try {
                    durations.add(future.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    failure = failure == null ? e.getCause() : failure;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            parts.closeStarted();
            throw new IOException("local stack failed to start: " + failure.getMessage(), failure);
        }
        return durations;
    }

    /** Filled concurrently by the start tasks; read only after all of them completed. */
    private static final class Parts {
        volatile EmbeddedDatabase database;
        volatile EmbeddedKafka kafka;
        volatile S3ProxyServer s3proxy;
        volatile ExternalServices.Database db;
        volatile String kafkaBootstrap;
        volatile ExternalServices.ObjectStore store;

        void closeStarted() {
            List<Exception> ignored = new ArrayList<>();
            closeInto(kafka, ignored);
            closeInto(s3proxy, ignored);
            closeInto(database, ignored);
        }
    }
}
