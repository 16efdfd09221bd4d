package dev.modelforge.worker.benchmark.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.worker.benchmark.measure.BenchmarkRunner;
import dev.modelforge.worker.benchmark.measure.MeasurementPlan;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * One Kafka consumer per served device profile, each in its own group {@code modelforge-benchmark-<profile>},
 * so every job is measured once per profile and workers of one profile share the load.
 *
 * <p>Why plain Kafka consumers and not {@code @Incoming}: SmallRye channels (and their group ids) are fixed
 * at build time, while the profiles a worker serves are runtime configuration. Each consumer processes one
 * record at a time on its own thread (measurement is blocking and CPU-bound), commits only after the
 * registry accepted the result (the registry is idempotent on the job id, so a redelivery after a crash
 * costs a re-measurement, never a duplicate), and skips jobs for other profiles.
 */
@ApplicationScoped
public class ProfileJobConsumers {

    private static final Logger LOG = Logger.getLogger(ProfileJobConsumers.class);
    private static final int DELIVERY_ATTEMPTS = 5;

    private final BenchmarkWorkerConfig config;
    private final StorageConfig storage;
    private final RegistryBenchmarkClient registry;
    private final ObjectMapper mapper;
    private final String bootstrap;
    private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    ProfileJobConsumers(BenchmarkWorkerConfig config, StorageConfig storage, @RestClient RegistryBenchmarkClient registry,
                        ObjectMapper mapper, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.storage = storage;
        this.registry = registry;
        this.mapper = mapper;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent ev) {
        MeasurementPlan standard = MeasurementPlan.standard();
        MeasurementPlan plan = new MeasurementPlan(standard.warmupIterations(), standard.warmupMillis(),
                standard.minIterations(), standard.maxIterations(), standard.budgetMillis(),
                standard.throughputIterations(), standard.pairedRounds(), config.pairedProcesses(),
                standard.iterationsPerRound(), standard.bootstrapResamples(), standard.seed());
        BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(), config.timeout(),
                config.workerVersion());
        Path work = Path.of(config.workDir().orElse(System.getProperty("java.io.tmpdir")));
        BenchmarkJobHandler handler = new BenchmarkJobHandler(ArtifactStore.of(storage), runner, registry::profile,
                r -> deliver(r), work, config.batchSizes(), plan);
        // a job may run memory + measure + paired children, each up to the timeout
        long maxPollInterval = config.timeout().multipliedBy(3L + config.pairedProcesses()).plusMinutes(5).toMillis();
        for (String profile : config.profiles()) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "modelforge-benchmark-" + profile);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
            p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(Math.min(maxPollInterval, Integer.MAX_VALUE)));
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(BenchmarkJob.TOPIC));
            consumers.add(consumer);
            Thread t = new Thread(() -> loop(profile, consumer, handler), "benchmark-" + profile);
            threads.add(t);
            t.start();
        }
        LOG.infof("serving device profiles %s", config.profiles());
    }

    void stop(@Observes ShutdownEvent ev) {
        consumers.forEach(KafkaConsumer::wakeup);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop(String profile, KafkaConsumer<String, String> consumer, BenchmarkJobHandler handler) {
        try (consumer) {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofSeconds(1))) {
                    process(profile, rec, handler);
                    consumer.commitSync(Map.of(new org.apache.kafka.common.TopicPartition(rec.topic(), rec.partition()),
                            new org.apache.kafka.clients.consumer.OffsetAndMetadata(rec.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // shutdown
        }
    }

    private void process(String profile, ConsumerRecord<String, String> rec, BenchmarkJobHandler handler) {
        BenchmarkJob job;
        try {
            job = mapper.readValue(rec.value(), BenchmarkJob.class);
        } catch (Exception e) {
            LOG.errorf("skipping unreadable benchmark job at %s-%d@%d: %s", rec.topic(), rec.partition(), rec.offset(),
                    e.getMessage());
            return;
        }
        if (!profile.equals(job.deviceProfile())) {
            return;
        }
        try {
            var result = handler.handle(job);
            LOG.infof("job %s variant %s on %s: %s%s", job.jobId(), job.variantId(), profile, result.status(),
                    result.failureReason() == null ? "" : " (" + result.failureReason() + ")");
        } catch (RuntimeException e) {
            LOG.errorf(e, "job %s: result could not be delivered after %d attempts; giving up", job.jobId(),
                    DELIVERY_ATTEMPTS);
        }
    }

    private void deliver(dev.modelforge.api.benchmark.BenchmarkResult r) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
            try {
                registry.postResult(r.variantId(), r);
                return;
            } catch (RuntimeException e) {
                last = e;
                try {
                    Thread.sleep(1000L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }
}
