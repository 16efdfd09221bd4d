package dev.modelforge.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Small read-only helpers for {@code ./modelforge demo}, so the demo needs neither curl nor a
 * Kafka installation: an authenticated GET against the registry and a dump of a topic.
 */
final class DemoTools {

    private DemoTools() {
    }

    /** {@code api PATH}: GET with the admin key; prints the body, exit code 0 on 2xx. */
    static int api(StateDir state, String path) throws IOException, InterruptedException {
        if (!Files.exists(state.registryUrlFile())) {
            System.err.println("The registry is not running (./modelforge up starts it).");
            return 1;
        }
        String url = Files.readString(state.registryUrlFile()).trim();
        String key = Files.readString(state.adminKeyFile()).trim();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key)
                        .header("Accept", "application/json").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println(pretty(response.body()));
        if (response.statusCode() / 100 != 2) {
            System.err.println("GET " + path + " answered HTTP " + response.statusCode());
            return 1;
        }
        return 0;
    }

    /** Indented for people reading the demo; anything that is not JSON is printed as it came. */
    static String pretty(String body) {
        try {
            return new ObjectMapper().readTree(body).toPrettyString();
        } catch (IOException | RuntimeException notJson) {
            return body;
        }
    }

    /** {@code events TOPIC}: prints every record of the topic from the beginning, then returns. */
    static int events(StateDir state, String topic, Duration quietPeriod) throws IOException {
        if (!Files.exists(state.stackSettingsFile())) {
            System.err.println("The stack is not running (./modelforge up starts it).");
            return 1;
        }
        Properties settings = StateDir.readProperties(state.stackSettingsFile());
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.getProperty("env.MODELFORGE_KAFKA_BOOTSTRAP"));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Looking must not create the topic as a side effect.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        int count = 0;
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            // No consumer group: reading must not move anyone's committed offsets.
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                System.out.println("(topic " + topic + " does not exist yet)");
                return 0;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long quietUntil = System.nanoTime() + quietPeriod.toNanos();
            while (System.nanoTime() < quietUntil) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                    count++;
                    quietUntil = System.nanoTime() + quietPeriod.toNanos();
                    StringBuilder headers = new StringBuilder();
                    for (Header header : record.headers()) {
                        headers.append(' ').append(header.key()).append('=')
                                .append(new String(header.value(), StandardCharsets.UTF_8));
                    }
                    System.out.printf("%s[%d]@%d key=%s%s%n%s%n", record.topic(), record.partition(),
                            record.offset(), record.key(), headers, pretty(record.value()));
                }
            }
        }
        System.out.println("(" + count + " event(s) on " + topic + ")");
        return 0;
    }
}
