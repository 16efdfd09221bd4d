package dev.modelforge.registry.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.job.CompressionJobMessage;
import dev.modelforge.api.job.DeadLetterReplay;
import dev.modelforge.api.job.DeadLetteredJob;
import dev.modelforge.api.job.JobStatus;
import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.registry.benchmark.BenchmarkJobs;
import dev.modelforge.registry.error.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The workers' job dead-letter topics, read and replayed for an operator. Reading takes a throwaway consumer without
 * a group (nothing is committed: the topic is an audit trail and stays as it is). A replay goes through the job's
 * state in the registry ({@link JobLeases#replay}), so replaying twice, or replaying a job that finished since,
 * does no harm.
 */
@ApplicationScoped
public class JobDeadLetters {

    private static final Logger LOG = Logger.getLogger(JobDeadLetters.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final String REASON_HEADER = "dead-letter-reason";

    /** A dead-letter topic and how the registry replays and inspects its jobs. */
    private record Queue(String topic, BiFunction<UUID, Instant, Optional<DeadLetterReplay.Outcome>> replay,
                         Function<UUID, JobStatus> status) {
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    JobService compressionJobs;

    @Inject
    BenchmarkJobs benchmarkJobs;

    @Inject
    ObjectMapper json;

    /**
     * @param name {@code compression-jobs} or {@code benchmark-jobs}, or the full dead-letter topic name
     * @param limit at most this many records, the newest
     * @return the topic's records with their jobs' current status, oldest first
     */
    public List<DeadLetteredJob> list(String name, int limit) {
        Queue queue = queue(name);
        List<ConsumerRecord<String, String>> records = read(queue.topic());
        List<DeadLetteredJob> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records.subList(Math.max(0, records.size() - limit), records.size())) {
            Optional<UUID> id = jobId(r);
            out.add(new DeadLetteredJob(r.topic(), r.partition(), r.offset(), id.map(UUID::toString).orElse(null),
                    header(r, REASON_HEADER), Instant.ofEpochMilli(r.timestamp()),
                    id.map(queue.status()).orElse(null)));
        }
        return out;
    }

    /**
     * Re-queues every job of the topic that has not succeeded and is not leased to a live worker.
     *
     * @param name {@code compression-jobs} or {@code benchmark-jobs}, or the full dead-letter topic name
     * @return one entry per distinct job
     */
    public DeadLetterReplay replay(String name) {
        Queue queue = queue(name);
        List<ConsumerRecord<String, String>> records = read(queue.topic());
        Map<String, DeadLetterReplay.JobReplay> jobs = new LinkedHashMap<>();
        int unreadable = 0;
        for (ConsumerRecord<String, String> r : records) {
            Optional<UUID> id = jobId(r);
            if (id.isEmpty()) {
                jobs.put("unreadable-" + unreadable++, new DeadLetterReplay.JobReplay(null,
                        DeadLetterReplay.Outcome.UNREADABLE, r.topic() + "-" + r.partition() + "@" + r.offset()
                        + " is not a job message"));
                continue;
            }
            String key = id.get().toString();
            if (jobs.containsKey(key)) {
                continue; // dead-lettered more than once: one replay is enough
            }
            DeadLetterReplay.Outcome outcome = queue.replay().apply(id.get(), Instant.now())
                    .orElse(DeadLetterReplay.Outcome.UNKNOWN_JOB);
            jobs.put(key, new DeadLetterReplay.JobReplay(key, outcome, describe(outcome)));
        }
        DeadLetterReplay replay = new DeadLetterReplay(queue.topic(), records.size(), List.copyOf(jobs.values()));
        LOG.infof("replayed %s: %d record(s), %d job(s) re-queued", queue.topic(), records.size(), replay.requeued());
        return replay;
    }

    private Queue queue(String name) {
        String n = name == null ? "" : name.trim();
        if (n.equals("compression-jobs") || n.equals(CompressionJobMessage.DEAD_LETTER_TOPIC)) {
            return new Queue(CompressionJobMessage.DEAD_LETTER_TOPIC, compressionJobs::replay, compressionJobs::statusOf);
        }
        if (n.equals("benchmark-jobs") || n.equals(BenchmarkJob.DEAD_LETTER_TOPIC)) {
            return new Queue(BenchmarkJob.DEAD_LETTER_TOPIC, benchmarkJobs::replay, benchmarkJobs::statusOf);
        }
        throw new ProblemException(404, PipelineProblemTypes.DEAD_LETTER_TOPIC_UNKNOWN, "Unknown dead-letter topic",
                "'" + name + "' is not a job dead-letter topic: use compression-jobs or benchmark-jobs");
    }

    /** Everything in the topic now, oldest first per partition; 503 when the broker does not answer in time. */
    private List<ConsumerRecord<String, String>> read(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "modelforge-registry-dlq-reader");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                return List.of(); // nothing was ever dead-lettered: the topic does not exist yet
            }
            List<TopicPartition> tps = partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw ProblemException.unavailable("reading " + topic + " took longer than " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                });
            }
            return out;
        } catch (KafkaException e) {
            throw ProblemException.unavailable("the Kafka broker did not answer reading " + topic + ": " + e.getMessage());
        }
    }

    private Optional<UUID> jobId(ConsumerRecord<String, String> r) {
        try {
            JsonNode node = r.value() == null ? null : json.readTree(r.value());
            String id = node == null ? null : node.path("jobId").asText(null);
            return id == null ? Optional.empty() : Optional.of(UUID.fromString(id));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String describe(DeadLetterReplay.Outcome outcome) {
        return switch (outcome) {
            case REQUEUED -> "queued again with fresh lease attempts; its message is emitted again";
            case ALREADY_SUCCEEDED -> "left alone: the job succeeded since";
            case LEASED -> "left alone: a live worker holds its lease";
            case UNKNOWN_JOB -> "the registry has no such job (or its device profile is gone)";
            case UNREADABLE -> "not a job message";
        };
    }
}
