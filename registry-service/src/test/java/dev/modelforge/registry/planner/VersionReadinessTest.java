package dev.modelforge.registry.planner;

import static dev.modelforge.registry.RegistryTestSupport.consumer;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.planner.PipelineTestSupport.JSON;
import static dev.modelforge.registry.planner.PipelineTestSupport.upload;
import static dev.modelforge.registry.planner.PipelineTestSupport.versionStatus;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.benchmark.BenchmarkJob;
import dev.modelforge.api.benchmark.BenchmarkWorkers;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.promotion.ReadinessTestSupport;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A version is ready once the profiles that have a live benchmark worker decided; a profile nobody serves keeps its
 * jobs queued without holding the version in "benchmarking". A test consumer in one profile's benchmark consumer
 * group stands in for its worker: membership is all the registry looks at.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class VersionReadinessTest {
    static final String MODEL = "readiness-model";
    static final String SERVED = "pt-ready-served";
    static final String UNSERVED = "pt-ready-unserved";

    @Test
    void aVersionIsReadyOnceItsServedProfilesDecided() throws Exception {
        ReadinessTestSupport.putProfile(SERVED, 6);
        ReadinessTestSupport.putProfile(UNSERVED, 7);
        try (KafkaConsumer<String, String> worker = consumer(BenchmarkWorkers.groupOf(SERVED))) {
            worker.subscribe(List.of(BenchmarkJob.TOPIC));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                worker.poll(Duration.ofMillis(200));
                return !worker.assignment().isEmpty();
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode workers = JSON.readTree(given().auth().oauth2(key("reader")).get("/api/v1/benchmark-workers")
                        .then().statusCode(200).extract().asString());
                assertThat(members(workers, SERVED)).isEqualTo(1);
                assertThat(members(workers, UNSERVED)).isZero();
            });

            upload(MODEL, reluModel(MODEL));
            String base = ReadinessTestSupport.baseline(MODEL);
            String int8 = ReadinessTestSupport.finishInt8(MODEL);
            ReadinessTestSupport.refuseOtherJobs(MODEL);
            assertThat(versionStatus(MODEL, 1)).isEqualTo("benchmarking");

            ReadinessTestSupport.result(MODEL, base, SERVED, 10, null);
            assertThat(versionStatus(MODEL, 1)).as("int8 not measured yet").isEqualTo("benchmarking");
            ReadinessTestSupport.result(MODEL, int8, SERVED, 5, 0.5);

            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(versionStatus(MODEL, 1)).isEqualTo("ready"));
            JsonNode jobs = JSON.readTree(given().auth().oauth2(key("reader"))
                    .get("/api/v1/models/{m}/versions/1/benchmark-jobs", MODEL).then().statusCode(200).extract()
                    .asString());
            int unservedJobs = 0;
            for (JsonNode j : jobs) {
                if (j.get("deviceProfile").asText().equals(UNSERVED)) {
                    assertThat(j.get("status").asText()).as("waits for a worker").isEqualTo("queued");
                    assertThat(j.get("waiting").asText()).isEqualTo("no worker for this profile");
                    unservedJobs++;
                } else if (j.get("deviceProfile").asText().equals(SERVED)) {
                    assertThat(j.path("waiting").isNull() || j.path("waiting").isMissingNode())
                            .as("a served profile's job waits for nothing").isTrue();
                }
            }
            assertThat(unservedJobs).as("jobs of the profile nobody serves").isPositive();
        } finally {
            ReadinessTestSupport.deleteProfile(SERVED);
            ReadinessTestSupport.deleteProfile(UNSERVED);
        }
    }

    private static int members(JsonNode workers, String profile) {
        for (JsonNode w : workers) {
            if (w.get("profile").asText().equals(profile)) {
                return w.get("members").asInt();
            }
        }
        throw new AssertionError(profile + " not listed: " + workers);
    }
}
