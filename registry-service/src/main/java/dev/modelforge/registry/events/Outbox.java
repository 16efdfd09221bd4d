package dev.modelforge.registry.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Records events inside the caller's transaction, so an event exists exactly when its change committed.
 *
 * <p>Per-aggregate order: {@code seq} is taken at insert, but transactions commit in any order, so without
 * care a later-inserted event of a model could commit (and be relayed) before an earlier one. Each write
 * therefore takes a transaction-scoped advisory lock on its aggregate first: a second transaction writing an
 * event of the same model waits until the first has committed or rolled back, so its row gets the larger
 * {@code seq} and becomes visible second. The relay's own per-aggregate lock uses another key, so a slow
 * broker never blocks writers.
 */
@ApplicationScoped
public class Outbox {
    static final String WRITE_LOCK = "select 1 from pg_advisory_xact_lock(hashtext(:key))";

    @Inject
    ObjectMapper json;

    @Inject
    EntityManager em;

    @Inject
    OutboxConfig config;

    @Inject
    OutboxRelay relay;

    /**
     * @param aggregateType e.g. {@code model}
     * @param aggregateId   id of the aggregate; events of one aggregate are published in order
     * @param eventType     CloudEvents type
     * @param topic         Kafka topic
     * @param key           Kafka record key (partitioning)
     * @param payload       record serialised as JSON
     * @return the stored event
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public OutboxEvent record(String aggregateType, String aggregateId, String eventType, String topic,
                              String key, Object payload) {
        var e = new OutboxEvent();
        e.id = UUID.randomUUID();
        e.aggregateType = aggregateType;
        e.aggregateId = aggregateId;
        e.eventType = eventType;
        e.topic = topic;
        e.recordKey = key;
        try {
            e.payload = json.writeValueAsString(payload);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("event payload not serialisable", ex);
        }
        long bytes = e.payload.getBytes(StandardCharsets.UTF_8).length;
        long max = config.maxPayloadSize().asLongValue();
        if (bytes > max) {
            // The fields that grow an event are capped where they enter; this is the last line, so that no
            // change commits with an event the broker would refuse.
            throw OutboxProblems.eventTooLarge(eventType, bytes, max);
        }
        em.createNativeQuery(WRITE_LOCK).setParameter("key", "modelforge-outbox-write:" + aggregateType + ":"
                + aggregateId).getSingleResult();
        e.createdAt = Instant.now();
        e.persist();
        relay.wakeUpAfterCommit();
        return e;
    }
}
