package dev.modelforge.registry.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.promotion.Promotion;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Every replica listens to {@code modelforge.promotions} in a consumer group of its own (random suffix), from the
 * latest offset, and drops the changed (model, profile) from its {@link BestVariantCache}: a group shared by the
 * replicas would deliver each event to only one of them. Nothing is committed; a restarted replica starts with an
 * empty cache anyway. A plain consumer thread rather than a Reactive Messaging channel because the group id must be
 * unique per instance, which static channel configuration cannot express.
 */
@ApplicationScoped
public class PromotionEventsListener {

    private static final Logger LOG = Logger.getLogger(PromotionEventsListener.class);

    @Inject
    BestVariantCache cache;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running;
    private Thread thread;

    void start(@Observes StartupEvent ev) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "modelforge-registry-cache-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "modelforge-registry-cache");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        running = true;
        thread = new Thread(this::run, "promotion-cache-invalidator");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ev) throws InterruptedException {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            thread.join(5000);
        }
    }

    private void run() {
        try (KafkaConsumer<String, String> c = consumer) {
            c.subscribe(List.of(Promotion.TOPIC));
            while (running) {
                try {
                    for (var record : c.poll(Duration.ofMillis(500))) {
                        handle(record.value());
                    }
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    // The 1 s expiry still bounds staleness; drop everything to be safe and keep listening.
                    LOG.warn("promotion event listener failed; clearing the best-variant cache", e);
                    cache.invalidateAll();
                    sleepQuietly();
                }
            }
        }
    }

    private void handle(String value) {
        try {
            JsonNode n = json.readTree(value);
            cache.invalidate(n.path("modelName").asText(), n.path("device").asText());
        } catch (Exception e) {
            LOG.warnf("unreadable promotion event, clearing the best-variant cache: %s", e.getMessage());
            cache.invalidateAll();
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
