package dev.modelforge.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.event.EventTypes;
import dev.modelforge.api.promotion.Promotion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The {@code modelforge.promotions} topic read from the start by a fresh consumer group, as any subscriber would. */
final class PromotionEvents {

    /** One event: its CloudEvents type header and its payload. */
    record Event(String type, Promotion promotion) {
    }

    private static final ObjectMapper JSON = RegistryClient.objectMapper();

    private PromotionEvents() {
    }

    /** Reads until {@code enough} holds for the model's events, or {@code timeout} passes; returns what was read. */
    static List<Event> read(String bootstrap, String model, Predicate<List<Event>> enough, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Event> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(Promotion.TOPIC));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!enough.test(events) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Promotion promotion = parse(r.value());
                    if (model.equals(promotion.modelName())) {
                        Header type = r.headers().lastHeader(EventTypes.HEADER_TYPE);
                        events.add(new Event(type == null ? null : new String(type.value(), StandardCharsets.UTF_8),
                                promotion));
                    }
                }
            }
        }
        return events;
    }

    private static Promotion parse(byte[] json) {
        try {
            return JSON.readValue(json, Promotion.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a promotion on " + Promotion.TOPIC, e);
        }
    }
}
