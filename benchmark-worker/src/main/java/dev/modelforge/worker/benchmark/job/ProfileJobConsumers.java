package dev.modelforge.worker.benchmark.job;

import dev.modelforge.onnx.ScratchDirs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.worker.benchmark.measure.BenchmarkFailure;
import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.worker.benchmark.measure.BenchmarkRunner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * One Kafka consumer per served device profile, each in its own group {@code modelforge-benchmark-<profile>},
 * so every job is measured once per profile and workers of one profile share the load.
 *
 * <p>Why plain Kafka consumers and not {@code @Incoming}: SmallRye channels (and their group ids) are fixed
 * at build time, while the profiles a worker serves are runtime configuration. See {@link JobConsumerLoop} for
 * commits and dead-lettering, {@link BenchmarkJobProcessor} for retries.
 */
@ApplicationScoped
public class ProfileJobConsumers {

    private static final Logger LOG = Logger.getLogger(ProfileJobConsumers.class);

    private final BenchmarkWorkerConfig config;
    private final WorkerSettings worker;
    private final StorageConfig storage;
    private final RegistryBenchmarkClient registry;
    private final ObjectMapper mapper;
    private final String bootstrap;
    private final List<JobConsumerLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private BenchmarkJobProcessor processor;
    private DeadLetters deadLetters;

    ProfileJobConsumers(BenchmarkWorkerConfig config, WorkerSettings worker, StorageConfig storage,
                        @RestClient RegistryBenchmarkClient registry, ObjectMapper mapper,
                        @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.worker = worker;
        this.storage = storage;
        this.registry = registry;
        this.mapper = mapper;
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent ev) {
        BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(), config.timeout(),
                config.workerVersion());
        Path work = Path.of(config.workDir().orElse(System.getProperty("java.io.tmpdir")));
        // What a killed worker left (job directories, child task files) goes before this one adds its own.
        int swept = ScratchDirs.sweepDead(work) + (work.equals(ScratchDirs.tempRoot()) ? 0 : ScratchDirs.sweepDead(ScratchDirs.tempRoot()));
        if (swept > 0) {
            LOG.infof("removed %d scratch entries of benchmark processes that no longer run", swept);
        }
        BenchmarkJobHandler handler = new BenchmarkJobHandler(ArtifactStore.of(storage), runner, this::profile, work,
                config.batchSizes(), config.plan().with(config.pairedProcesses(), config.jobSpread()));
        processor = new BenchmarkJobProcessor(handler, registry, worker.retry());
        deadLetters = new DeadLetters(bootstrap);
        String id = worker.id().filter(s -> !s.isBlank()).orElse(ManagementFactory.getRuntimeMXBean().getName());
        for (String profile : config.profiles()) {
            startLoop(profile, id);
        }
        LOG.infof("worker %s serving device profiles %s", id, config.profiles());
    }

    /** A consumer for {@code profile} in the profile's group; the application starts one per profile, tests more. */
    synchronized JobConsumerLoop startLoop(String profile, String workerId) {
        JobConsumerLoop loop = new JobConsumerLoop(profile, workerId, bootstrap, maxPollIntervalMs(), mapper,
                processor, deadLetters);
        Thread t = new Thread(loop, "benchmark-" + profile + "-" + loops.size());
        loops.add(loop);
        threads.add(t);
        t.start();
        return loop;
    }

    /** Stops one loop (tests); waits for its current job. */
    synchronized void stopLoop(JobConsumerLoop loop) throws InterruptedException {
        int i = loops.indexOf(loop);
        loop.stop();
        threads.get(i).join(Duration.ofMinutes(5).toMillis());
        loops.remove(i);
        threads.remove(i);
    }

    /** The consumers the application started, one per profile, in configuration order. */
    synchronized List<JobConsumerLoop> loops() {
        return List.copyOf(loops);
    }

    /** Consumer threads by name and whether each still runs (a dead one means its profile is not served). */
    synchronized java.util.Map<String, Boolean> consumerThreads() {
        java.util.Map<String, Boolean> alive = new java.util.LinkedHashMap<>();
        threads.forEach(t -> alive.put(t.getName(), t.isAlive()));
        return alive;
    }

    void stop(@Observes ShutdownEvent ev) {
        List<Thread> running;
        synchronized (this) {
            loops.forEach(JobConsumerLoop::stop);
            running = List.copyOf(threads);
        }
        for (Thread t : running) {
            try {
                t.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (deadLetters != null) {
            deadLetters.close();
        }
    }

    /** A job can take a memory child, a measuring child and the paired children, each up to the timeout. */
    private long maxPollIntervalMs() {
        return config.timeout().multipliedBy(3L + config.pairedProcesses()).plusMinutes(5).toMillis();
    }

    /** For jobs without a profile snapshot; a profile the registry does not know is a failed result, not a DLQ. */
    private DeviceProfile profile(String name) {
        try {
            return registry.profile(name);
        } catch (RejectedJob e) {
            throw new BenchmarkFailure(FailureReason.RUNTIME_ERROR, "device profile '" + name
                    + "' cannot be read from the registry: " + e.getMessage());
        } catch (TransientFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TransientFailure("registry unreachable reading profile " + name + ": " + e, e);
        }
    }
}
