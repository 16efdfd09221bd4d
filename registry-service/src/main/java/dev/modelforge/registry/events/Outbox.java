package dev.modelforge.registry.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.UUID;

/** Records events inside the caller's transaction, so an event exists exactly when its change committed. */
@ApplicationScoped
public class Outbox {
    @Inject
    ObjectMapper json;

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
        e.createdAt = Instant.now();
        e.persist();
        relay.wakeUpAfterCommit();
        return e;
    }
}
