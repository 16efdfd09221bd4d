package dev.modelforge.registry.events;

import dev.modelforge.api.event.EventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox rows to Kafka and marks them published, at least once and in order per
 * aggregate. It runs after each committing transaction that wrote an event (low latency) and on a
 * schedule (catches up after a crash or a broker outage, so nothing is lost across restarts).
 *
 * <p>Several registry replicas may relay at once: each batch takes its rows {@code FOR UPDATE SKIP LOCKED},
 * and additionally a transaction-scoped advisory lock per aggregate, so two replicas never publish events
 * of the same model concurrently (which could reorder them). A crash between the broker's ack and the
 * commit republishes the batch; the CloudEvents id (the row's uuid) lets consumers drop the duplicate.
 *
 * <p>A row the broker refuses for good (too large, invalid) is moved to the dead-letter table by
 * {@link DeadLetters} in the same transaction that marks its neighbours published, so one bad event never
 * holds back the events after it.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private static final String NEXT_BATCH = """
            select o.* from outbox_event o
            where o.published_at is null
              and pg_try_advisory_xact_lock(hashtext('modelforge-outbox:' || o.aggregate_type || ':' || o.aggregate_id))
            order by o.seq
            limit :limit
            for update skip locked""";

    @Inject
    Producer<String, byte[]> producer;

    @Inject
    OutboxConfig config;

    @Inject
    EntityManager em;

    @Inject
    TransactionSynchronizationRegistry txRegistry;

    @Inject
    MeterRegistry meters;

    @Inject
    DeadLetters deadLetters;

    private final ReentrantLock draining = new ReentrantLock();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private ExecutorService wakeUps;
    private Counter published;

    @PostConstruct
    void init() {
        wakeUps = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "outbox-relay-wakeup");
            t.setDaemon(true);
            return t;
        });
        published = Counter.builder("modelforge.outbox.published").description("events relayed to Kafka")
                .register(meters);
    }

    @PreDestroy
    void shutdown() {
        wakeUps.shutdownNow();
    }

    /** Asks for a relay run once the current transaction has committed. */
    void wakeUpAfterCommit() {
        txRegistry.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    wakeRequested.set(true);
                    wakeUps.execute(OutboxRelay.this::drainQuietly);
                }
            }
        });
    }

    @Scheduled(every = "${modelforge.outbox.poll-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wakeRequested.set(true);
        drainQuietly();
        try {
            deadLetters.count(); // keeps the gauge true across replicas and restarts
        } catch (RuntimeException e) {
            LOG.debugf("dead-letter count failed: %s", e);
        }
    }

    private void drainQuietly() {
        try {
            drain();
        } catch (RuntimeException e) {
            // The rows stay unpublished; the next scheduled run retries them.
            LOG.warnf("outbox relay failed, will retry: %s", e.toString());
        }
    }

    /**
     * Relays batches until none is left. One drainer per replica at a time; a wake-up that arrives while
     * draining makes the running drainer look again instead of starting a second one.
     *
     * @return number of events published
     */
    public int drain() {
        if (!draining.tryLock()) {
            return 0;
        }
        int total = 0;
        try {
            while (wakeRequested.getAndSet(false)) {
                int n;
                do {
                    n = QuarkusTransaction.requiringNew().call(this::relayBatch);
                    total += n;
                } while (n == config.batchSize());
            }
        } finally {
            draining.unlock();
        }
        return total;
    }

    private int relayBatch() throws Exception {
        @SuppressWarnings("unchecked")
        List<OutboxEvent> batch = em.createNativeQuery(NEXT_BATCH, OutboxEvent.class)
                .setParameter("limit", config.batchSize()).getResultList();
        if (batch.isEmpty()) {
            return 0;
        }
        // Sent in seq order on one idempotent producer, so the broker keeps that order per partition.
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        for (OutboxEvent e : batch) {
            acks.add(send(e));
        }
        long deadline = System.nanoTime() + config.sendTimeout().toNanos();
        Instant now = Instant.now();
        int parked = 0;
        for (int i = 0; i < batch.size(); i++) {
            OutboxEvent e = batch.get(i);
            try {
                acks.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                e.publishedAt = now;
            } catch (ExecutionException failed) {
                if (!refusedForGood(failed.getCause())) {
                    throw failed; // broker away or slow: the whole batch is retried, order intact
                }
                // Retrying could never succeed and would hold back every later event: park it for an admin.
                deadLetters.park(e, failed.getCause());
                parked++;
            }
        }
        published.increment(batch.size() - parked);
        return batch.size();
    }

    private Future<RecordMetadata> send(OutboxEvent e) {
        try {
            return producer.send(toRecord(e));
        } catch (KafkaException refused) {
            return CompletableFuture.failedFuture(refused);
        }
    }

    /**
     * Errors about the record itself, which no retry fixes. Everything else (timeouts, leader moves,
     * authorisation while ACLs are being set up) is the broker's state and is retried.
     */
    static boolean refusedForGood(Throwable cause) {
        return cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
                || cause instanceof InvalidRecordException || cause instanceof InvalidTopicException
                || cause instanceof SerializationException;
    }

    static ProducerRecord<String, byte[]> toRecord(OutboxEvent e) {
        var r = new ProducerRecord<String, byte[]>(e.topic, e.recordKey, e.payload.getBytes(StandardCharsets.UTF_8));
        r.headers().add(EventTypes.HEADER_ID, bytes(e.id.toString()))
                .add(EventTypes.HEADER_TYPE, bytes(e.eventType))
                .add(EventTypes.HEADER_SOURCE, bytes(EventTypes.SOURCE_REGISTRY))
                .add(EventTypes.HEADER_SPECVERSION, bytes("1.0"))
                .add(EventTypes.HEADER_TIME, bytes(e.createdAt.toString()))
                .add(EventTypes.HEADER_SUBJECT, bytes(e.aggregateType + "/" + e.aggregateId))
                .add(EventTypes.HEADER_CONTENT_TYPE, bytes("application/json"));
        return r;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
