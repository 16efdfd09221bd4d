package dev.modelforge.registry.events;

import static dev.modelforge.registry.RegistryTestSupport.consumer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.event.Topics;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class OutboxRelayTest {
    @Inject
    OutboxRelay relay;

    /**
     * Rows committed without waking the relay stand for events left behind by a crashed registry: the
     * scheduled run must publish them, each once and in order.
     */
    @Test
    void pendingRowsArePublishedInOrderWithoutAWakeUp() {
        String aggregate = "relay-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 5; i++) {
                insert(aggregate, i);
            }
        });
        assertThat(consume(aggregate, 5)).containsExactly("0", "1", "2", "3", "4");
        assertThat(QuarkusTransaction.requiringNew().call(() ->
                OutboxEvent.count("aggregateId = ?1 and publishedAt is null", aggregate))).isZero();
    }

    /** Several relays at once (as on several replicas) still publish each event once, in order per aggregate. */
    @Test
    void concurrentRelaysKeepPerAggregateOrder() throws Exception {
        List<String> aggregates = List.of("relay-a-" + UUID.randomUUID(), "relay-b-" + UUID.randomUUID());
        var pool = Executors.newFixedThreadPool(4);
        try {
            for (int batch = 0; batch < 10; batch++) {
                int b = batch;
                QuarkusTransaction.requiringNew().run(() -> aggregates.forEach(a -> {
                    for (int i = 0; i < 3; i++) {
                        insert(a, b * 3 + i);
                    }
                }));
                for (int t = 0; t < 4; t++) {
                    pool.submit(() -> relay.drain());
                }
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        for (String a : aggregates) {
            List<String> seen = consume(a, 30);
            assertThat(seen).hasSize(30);
            for (int i = 0; i < 30; i++) {
                assertThat(seen.get(i)).isEqualTo(Integer.toString(i));
            }
        }
    }

    private static void insert(String aggregate, int n) {
        var e = new OutboxEvent();
        e.id = UUID.randomUUID();
        e.aggregateType = "test";
        e.aggregateId = aggregate;
        e.eventType = "dev.modelforge.test";
        e.topic = Topics.MODEL_VERSIONS;
        e.recordKey = aggregate;
        e.payload = "{\"n\":" + n + "}";
        e.createdAt = Instant.now();
        e.persist();
    }

    /** Payload numbers of {@code aggregate}'s records, deduplicated by CloudEvents id, in arrival order. */
    private static List<String> consume(String aggregate, int expected) {
        List<String> seen = new ArrayList<>();
        var ids = new HashSet<String>();
        try (KafkaConsumer<String, String> c = consumer("relay-test-" + UUID.randomUUID())) {
            c.subscribe(List.of(Topics.MODEL_VERSIONS));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    if (aggregate.equals(r.key())
                            && ids.add(new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))) {
                        seen.add(r.value().replaceAll("\\D", ""));
                    }
                }
                return seen.size() >= expected;
            });
        }
        return seen;
    }
}
