package dev.modelforge.worker.benchmark.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.benchmark.BenchmarkJob;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * One Kafka consumer of {@link BenchmarkJob#TOPIC} in the group {@code modelforge-benchmark-<profile>}, on its own
 * thread, one record at a time (measurement is blocking and CPU-bound; prefetching would hide jobs from idle group
 * members).
 *
 * <p>Offsets are committed only when a record is settled: the registry accepted its result (or already had it), it
 * was for another profile, or it is safely in the dead-letter topic. Anything else (shutdown mid-job, the DLQ
 * unwritable) leaves the offset where it was, so the record is delivered again — at least once, and the registry is
 * idempotent on the job id.
 */
final class JobConsumerLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(JobConsumerLoop.class);

    private final String profile;
    private final String workerId;
    private final ObjectMapper mapper;
    private final BenchmarkJobProcessor processor;
    private final DeadLetters deadLetters;
    private final KafkaConsumer<String, String> consumer;
    private final Set<TopicPartition> assigned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private volatile boolean stopped;

    JobConsumerLoop(String profile, String workerId, String bootstrap, long maxPollIntervalMs, ObjectMapper mapper,
                    BenchmarkJobProcessor processor, DeadLetters deadLetters) {
        this.profile = profile;
        this.workerId = workerId;
        this.mapper = mapper;
        this.processor = processor;
        this.deadLetters = deadLetters;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(profile));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "benchmark-" + profile + "-" + workerId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(Math.min(maxPollIntervalMs, Integer.MAX_VALUE)));
        // a worker that dies mid-job hands its partitions to the others after 10 s, not the 45 s default
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000");
        // a joining worker does not stop the others mid-job: only the partitions that move are revoked
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static String groupId(String profile) {
        return "modelforge-benchmark-" + profile;
    }

    /** Partitions currently assigned to this consumer (for health and tests). */
    Set<TopicPartition> assigned() {
        return Set.copyOf(assigned);
    }

    String workerId() {
        return workerId;
    }

    /** Ends the loop after the current record; an unfinished record stays uncommitted. */
    void stop() {
        stopped = true;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try (consumer) {
            consumer.subscribe(List.of(BenchmarkJob.TOPIC), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // still ours for the length of this callback: settle what was done before it moves
                    commitPending(Set.copyOf(partitions));
                    assigned.removeAll(new HashSet<>(partitions));
                    pending.keySet().removeAll(new HashSet<>(partitions));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned.addAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    assigned.removeAll(new HashSet<>(partitions));
                    pending.keySet().removeAll(new HashSet<>(partitions));
                }
            });
            while (!stopped) {
                try {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(1));
                    commitPending(null); // a commit refused during a rebalance goes through once it completed
                    for (ConsumerRecord<String, String> rec : records) {
                        TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
                        if (settle(rec)) {
                            pending.put(tp, new OffsetAndMetadata(rec.offset() + 1));
                            commitPending(null);
                        } else {
                            consumer.seek(tp, rec.offset());
                            pause();
                            break;
                        }
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // the loop must outlive broker hiccups; a dead thread would stop serving the profile
                    LOG.errorf(e, "benchmark consumer for %s: %s; continuing", profile, e.getMessage());
                    pause();
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        } catch (RuntimeException e) {
            LOG.errorf(e, "benchmark consumer for %s stopped", profile);
        }
    }

    /**
     * Commits settled offsets (of {@code only}, or all). A commit refused because a rebalance is under way is kept
     * and retried after the next poll; an offset of a partition that moved to another worker is dropped — that worker
     * receives the record again and the registry answers "already finished", so nothing is measured twice.
     */
    private void commitPending(Set<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>(pending);
        if (only != null) {
            batch.keySet().retainAll(only);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(batch);
            pending.keySet().removeAll(batch.keySet());
        } catch (RebalanceInProgressException | RetriableCommitFailedException e) {
            LOG.debugf("commit of %s deferred: %s", batch, e.getMessage());
        } catch (CommitFailedException e) {
            pending.keySet().removeAll(batch.keySet());
            LOG.warnf("commit of %s refused (partitions moved): %s; the new owner drops the finished jobs",
                    batch, e.getMessage());
        }
    }

    /** @return true when the record may be committed */
    private boolean settle(ConsumerRecord<String, String> rec) {
        try {
            BenchmarkJob job = parse(rec);
            if (job.deviceProfile() != null && !profile.equals(job.deviceProfile())) {
                return true; // every profile's group sees every job; only this profile's are ours
            }
            validate(job);
            BenchmarkJobProcessor.Outcome outcome = processor.process(job, workerId);
            LOG.debugf("job %s: %s", job.jobId(), outcome);
            return true;
        } catch (RejectedJob e) {
            LOG.errorf("unusable benchmark job at %s-%d@%d, dead-lettering it: %s", rec.topic(), rec.partition(),
                    rec.offset(), e.getMessage());
            return deadLetter(rec, e.getMessage(), e, 0);
        } catch (BenchmarkJobProcessor.DeadJob e) {
            LOG.errorf(e, "benchmark job at %s-%d@%d is dead after %d attempt(s): %s", rec.topic(), rec.partition(),
                    rec.offset(), e.attempts(), e.getMessage());
            return deadLetter(rec, e.getMessage(), e.getCause(), e.attempts());
        } catch (RuntimeException e) {
            LOG.errorf(e, "benchmark job at %s-%d@%d not settled; it will be delivered again", rec.topic(),
                    rec.partition(), rec.offset());
            return false;
        }
    }

    private boolean deadLetter(ConsumerRecord<String, String> rec, String reason, Throwable cause, int attempts) {
        try {
            deadLetters.send(rec, reason, cause, attempts, workerId);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf("cannot dead-letter %s-%d@%d (%s); it will be delivered again", rec.topic(), rec.partition(),
                    rec.offset(), e.getMessage());
            return false;
        }
    }

    private BenchmarkJob parse(ConsumerRecord<String, String> rec) {
        if (rec.value() == null || rec.value().isBlank()) {
            throw new RejectedJob("empty benchmark job message");
        }
        BenchmarkJob job;
        try {
            job = mapper.readValue(rec.value(), BenchmarkJob.class);
        } catch (Exception e) {
            throw new RejectedJob("unreadable benchmark job (not a BenchmarkJob JSON): " + e.getMessage());
        }
        if (job == null) {
            throw new RejectedJob("benchmark job message is JSON null");
        }
        return job;
    }

    private static void validate(BenchmarkJob job) {
        if (blank(job.jobId()) || blank(job.variantId()) || blank(job.deviceProfile())
                || job.artifact() == null || blank(job.artifact().storageKey()) || blank(job.artifact().sha256())) {
            throw new RejectedJob("benchmark job lacks jobId, variantId, deviceProfile or artifact (storageKey, sha256)");
        }
        if (job.baseline() != null && blank(job.baselineVariantId())) {
            throw new RejectedJob("benchmark job " + job.jobId() + " has a baseline artifact but no baselineVariantId");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
