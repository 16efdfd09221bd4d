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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /**
     * Two transactions write events of one model; the one that wrote second tries to commit first. Its
     * event must still reach Kafka second: the outbox serialises writers per aggregate, so the second write
     * waits for the first transaction to end.
     */
    @Test
    void sameModelTransactionsCommittingOutOfInsertOrderArePublishedInOrder() throws Exception {
        String aggregate = "relay-order-" + UUID.randomUUID();
        var firstWrote = new CountDownLatch(1);
        var releaseFirst = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                record(aggregate, "first");
                firstWrote.countDown();
                await(releaseFirst);
            }));
            assertThat(firstWrote.await(30, TimeUnit.SECONDS)).isTrue();
            Future<?> second = pool.submit(() -> QuarkusTransaction.requiringNew().run(() -> record(aggregate, "second")));
            // Let the second transaction commit if it can (it could without the per-aggregate write lock);
            // with the lock it is seen waiting on it instead. Only then does the first one commit.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> second.isDone() || waitingOnAdvisoryLock());
            releaseFirst.countDown();
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
        } finally {
            releaseFirst.countDown();
            pool.shutdown();
        }
        assertThat(consume(aggregate, 2)).containsExactly("first", "second");
    }

    @Inject
    Outbox outbox;

    private void record(String aggregate, String word) {
        outbox.record("test", aggregate, "dev.modelforge.test", Topics.MODEL_VERSIONS, aggregate, Map.of("w", word));
    }

    private static boolean waitingOnAdvisoryLock() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) OutboxEvent.getEntityManager()
                .createNativeQuery("select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                        + "and wait_event = 'advisory' and datname = current_database()")
                .getSingleResult()).longValue() > 0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static OutboxEvent insert(String aggregate, int n) {
        return insert(aggregate, "{\"n\":" + n + "}");
    }

    static OutboxEvent insert(String aggregate, String payload) {
        var e = new OutboxEvent();
        e.id = UUID.randomUUID();
        e.aggregateType = "test";
        e.aggregateId = aggregate;
        e.eventType = "dev.modelforge.test";
        e.topic = Topics.MODEL_VERSIONS;
        e.recordKey = aggregate;
        e.payload = payload;
        e.createdAt = Instant.now();
        e.persist();
        return e;
    }

    /** Payloads of {@code aggregate}'s records (digits, or the word), deduplicated by CloudEvents id, in order. */
    static List<String> consume(String aggregate, int expected) {
        return consume(aggregate, expected, false);
    }

    /** CloudEvents ids of {@code aggregate}'s records, deduplicated, in arrival order. */
    static List<String> consumeIds(String aggregate, int expected) {
        return consume(aggregate, expected, true);
    }

    private static List<String> consume(String aggregate, int expected, boolean ids) {
        List<String> seen = new ArrayList<>();
        var seenIds = new HashSet<String>();
        try (KafkaConsumer<String, String> c = consumer("relay-test-" + UUID.randomUUID())) {
            c.subscribe(List.of(Topics.MODEL_VERSIONS));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    String id = new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
                    if (aggregate.equals(r.key()) && seenIds.add(id)) {
                        seen.add(ids ? id : content(r.value()));
                    }
                }
                return seen.size() >= expected;
            });
        }
        return seen;
    }

    /** The word of a {@code {"w": ...}} payload, else the payload's digits. */
    private static String content(String payload) {
        Matcher w = WORD.matcher(payload);
        return w.find() ? w.group(1) : payload.replaceAll("\\D", "");
    }

    private static final Pattern WORD = Pattern.compile("\"w\"\\s*:\\s*\"([^\"]*)\"");
}
