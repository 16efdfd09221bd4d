package dev.modelforge.worker.benchmark.job;

import dev.modelforge.api.benchmark.BenchmarkJob;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Forwards a job message to {@link BenchmarkJob#DEAD_LETTER_TOPIC} unchanged (same key and value), with why in
 * headers named like SmallRye's dead-letter queue uses them (what the compression worker's DLQ carries), plus the
 * attempts made and the worker.
 */
public final class DeadLetters implements AutoCloseable {

    /** Header: human-readable reason. */
    public static final String REASON = "dead-letter-reason";
    /** Header: exception class of the failure. */
    public static final String CAUSE = "dead-letter-cause";
    /** Header: original topic. */
    public static final String TOPIC = "dead-letter-topic";
    /** Header: original partition. */
    public static final String PARTITION = "dead-letter-partition";
    /** Header: original offset. */
    public static final String OFFSET = "dead-letter-offset";
    /** Header: attempts made (0 for a message that could not be read). */
    public static final String ATTEMPTS = "dead-letter-attempts";
    /** Header: worker that gave up. */
    public static final String WORKER = "dead-letter-worker";

    private final KafkaProducer<String, String> producer;

    /** @param bootstrap Kafka bootstrap servers */
    public DeadLetters(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /**
     * Sends and waits for the broker's acknowledgement, so the original offset is committed only after the message
     * is safe in the dead-letter topic.
     *
     * @param rec      the original record
     * @param reason   why
     * @param cause    the failure, may be null
     * @param attempts attempts made
     * @param workerId this worker
     */
    public void send(ConsumerRecord<String, String> rec, String reason, Throwable cause, int attempts, String workerId) {
        ProducerRecord<String, String> out = new ProducerRecord<>(BenchmarkJob.DEAD_LETTER_TOPIC, rec.key(), rec.value());
        Headers h = out.headers();
        rec.headers().forEach(h::add);
        put(h, REASON, reason == null ? "unknown" : reason);
        put(h, CAUSE, cause == null ? "" : cause.getClass().getName());
        put(h, TOPIC, rec.topic());
        put(h, PARTITION, Integer.toString(rec.partition()));
        put(h, OFFSET, Long.toString(rec.offset()));
        put(h, ATTEMPTS, Integer.toString(attempts));
        put(h, WORKER, workerId);
        try {
            producer.send(out).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to " + BenchmarkJob.DEAD_LETTER_TOPIC + ": " + e, e);
        }
    }

    private static void put(Headers h, String name, String value) {
        h.remove(name);
        h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close();
    }
}
