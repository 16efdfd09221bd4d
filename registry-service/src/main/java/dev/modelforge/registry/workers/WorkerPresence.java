package dev.modelforge.registry.workers;

import dev.modelforge.api.benchmark.BenchmarkWorkers;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Which profiles have a live benchmark worker, asked of the Kafka broker: the members of each profile's benchmark
 * consumer group ({@link BenchmarkWorkers#groupOf}). Needs nothing from the workers: a worker that consumes is a
 * member, one that died leaves the group after its session timeout (10 s). Answers are kept 5 s so a crowd of waiting
 * clients asks the broker once.
 */
@ApplicationScoped
public class WorkerPresence {
    private static final Logger LOG = Logger.getLogger(WorkerPresence.class);
    private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private Admin admin;
    private volatile Map<String, BenchmarkWorkers> last = Map.of();
    private volatile long lastAtNanos;

    /** One entry per profile, in the order given. */
    public synchronized List<BenchmarkWorkers> of(Collection<String> profiles) {
        if (System.nanoTime() - lastAtNanos > KEEP_NANOS || !last.keySet().containsAll(profiles)) {
            last = ask(profiles);
            lastAtNanos = System.nanoTime();
        }
        List<BenchmarkWorkers> out = new ArrayList<>();
        for (String p : profiles) {
            out.add(last.getOrDefault(p, new BenchmarkWorkers(p, BenchmarkWorkers.groupOf(p), 0, "unknown")));
        }
        return out;
    }

    private Map<String, BenchmarkWorkers> ask(Collection<String> profiles) {
        Map<String, BenchmarkWorkers> out = new java.util.HashMap<>();
        if (profiles.isEmpty()) {
            return out;
        }
        List<String> groups = profiles.stream().map(BenchmarkWorkers::groupOf).toList();
        Map<String, KafkaFuture<ConsumerGroupDescription>> described;
        try {
            described = admin().describeConsumerGroups(groups).describedGroups();
        } catch (RuntimeException e) {
            described = Map.of();
        }
        for (String p : profiles) {
            String group = BenchmarkWorkers.groupOf(p);
            try {
                ConsumerGroupDescription d = described.get(group).get(5, TimeUnit.SECONDS);
                out.put(p, new BenchmarkWorkers(p, group, d.members().size(), d.groupState().toString()));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    // No worker ever consumed for this profile.
                    out.put(p, new BenchmarkWorkers(p, group, 0, "none"));
                } else {
                    out.put(p, unknown(p, e.getCause()));
                }
            } catch (Exception e) {
                out.put(p, unknown(p, e));
            }
        }
        return out;
    }

    /** Unknown is not "no worker": callers treat an unknown profile as served rather than skip it wrongly. */
    private static BenchmarkWorkers unknown(String profile, Throwable why) {
        LOG.warnf("cannot describe the benchmark consumer group of %s: %s", profile, why);
        return new BenchmarkWorkers(profile, BenchmarkWorkers.groupOf(profile), -1, "unknown");
    }

    private Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "modelforge-registry-worker-presence");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            admin = Admin.create(p);
        }
        return admin;
    }

    synchronized void stop(@Observes ShutdownEvent ev) {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
