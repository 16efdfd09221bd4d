package dev.modelforge.api.event;

import java.time.Instant;
import java.util.UUID;

/**
 * An event the broker refused for good, parked in the registry's dead-letter table until an admin retries
 * or drops it ({@code /api/v1/admin/outbox/dead-letters}).
 *
 * @param id            CloudEvents id; a retried event keeps it
 * @param aggregateType what the event is about, e.g. {@code model}
 * @param aggregateId   id of that aggregate
 * @param eventType     CloudEvents type
 * @param topic         Kafka topic it was meant for
 * @param payloadBytes  size of its JSON payload
 * @param createdAt     when the change that recorded it committed
 * @param parkedAt      when the relay parked it
 * @param error         what the broker (or producer) answered
 */
public record DeadLetterDto(UUID id, String aggregateType, String aggregateId, String eventType, String topic,
                            long payloadBytes, Instant createdAt, Instant parkedAt, String error) {
}
