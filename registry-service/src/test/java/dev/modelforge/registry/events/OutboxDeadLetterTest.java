package dev.modelforge.registry.events;

import static dev.modelforge.registry.RegistryTestSupport.ADMIN_KEY;
import static dev.modelforge.registry.RegistryTestSupport.key;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.modelforge.api.event.Topics;
import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.error.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** An event the broker refuses is parked, later events flow, and an admin can see, retry and drop it. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class OutboxDeadLetterTest {
    private static final String DEAD_LETTERS = "/api/v1/admin/outbox/dead-letters";

    @Inject
    Outbox outbox;

    @Test
    void aRefusedEventIsParkedAndLaterEventsFlow() {
        String aggregate = "dlq-" + UUID.randomUUID();
        String other = "dlq-other-" + UUID.randomUUID();
        // Written straight to the table (past Outbox.record's cap), as an event from an older registry
        // without the cap would be: 1.5 MB, over the producer's 1 MiB max.request.size.
        UUID big = QuarkusTransaction.requiringNew().call(() -> {
            OutboxEvent e = OutboxRelayTest.insert(aggregate, "{\"pad\":\"" + "x".repeat(1_500_000) + "\"}");
            for (int i = 1; i <= 3; i++) {
                OutboxRelayTest.insert(aggregate, i);
                OutboxRelayTest.insert(other, i);
            }
            return e.id;
        });
        assertThat(OutboxRelayTest.consume(aggregate, 3)).containsExactly("1", "2", "3");
        assertThat(OutboxRelayTest.consume(other, 3)).containsExactly("1", "2", "3");

        given().auth().oauth2(ADMIN_KEY).get(DEAD_LETTERS).then().statusCode(200)
                .body("find { it.id == '" + big + "' }.aggregateId", equalTo(aggregate))
                .body("find { it.id == '" + big + "' }.error", containsString("RecordTooLarge"));
        given().auth().oauth2(ADMIN_KEY).get(DEAD_LETTERS + "/" + big + "/payload").then().statusCode(200)
                .body(containsString("xxxx"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'outbox' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'outbox' }.data.degraded", containsString("parked"));
        assertThat(given().auth().oauth2(key("reader")).get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("modelforge_outbox_parked_total").contains("modelforge_outbox_dead_letters");

        // Retried while still too large: it goes round once more and is parked again, nothing stalls.
        given().auth().oauth2(ADMIN_KEY).post(DEAD_LETTERS + "/" + big + "/retry").then().statusCode(202);
        QuarkusTransaction.requiringNew().run(() -> OutboxRelayTest.insert(aggregate, 4));
        assertThat(OutboxRelayTest.consume(aggregate, 4)).containsExactly("1", "2", "3", "4");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> parked(big));

        given().auth().oauth2(ADMIN_KEY).delete(DEAD_LETTERS + "/" + big).then().statusCode(204);
        assertThat(parked(big)).isFalse();
        given().auth().oauth2(ADMIN_KEY).delete(DEAD_LETTERS + "/" + big).then().statusCode(404)
                .contentType("application/problem+json");
        assertThat(QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count("id", big))).isZero();
    }

    @Test
    void aRetriedEventIsPublishedWithItsOriginalId() {
        String aggregate = "dlq-retry-" + UUID.randomUUID();
        UUID id = UUID.randomUUID();
        // Parked by hand, as if the broker had refused it before its limit was raised.
        QuarkusTransaction.requiringNew().run(() -> OutboxEvent.getEntityManager().createNativeQuery("""
                insert into outbox_dead_letter (seq, id, aggregate_type, aggregate_id, event_type, topic, record_key,
                    payload, created_at, parked_at, error)
                values (-1 * floor(random() * 1000000000)::bigint, :id, 'test', :a, 'dev.modelforge.test', :topic,
                    :a, '{"n": 7}'::jsonb, now(), now(), 'RecordTooLargeException')""")
                .setParameter("id", id).setParameter("a", aggregate).setParameter("topic", Topics.MODEL_VERSIONS)
                .executeUpdate());
        given().auth().oauth2(ADMIN_KEY).post(DEAD_LETTERS + "/" + id + "/retry").then().statusCode(202);
        assertThat(OutboxRelayTest.consumeIds(aggregate, 1)).containsExactly(id.toString());
        assertThat(parked(id)).isFalse();
        given().auth().oauth2(ADMIN_KEY).post(DEAD_LETTERS + "/" + id + "/retry").then().statusCode(404);
    }

    @Test
    void onlyAdminsSeeOrTouchDeadLetters() {
        String id = UUID.randomUUID().toString();
        for (String role : List.of("reader", "uploader", "promoter")) {
            given().auth().oauth2(key(role)).get(DEAD_LETTERS).then().statusCode(403);
            given().auth().oauth2(key(role)).post(DEAD_LETTERS + "/" + id + "/retry").then().statusCode(403);
            given().auth().oauth2(key(role)).delete(DEAD_LETTERS + "/" + id).then().statusCode(403);
        }
        given().get(DEAD_LETTERS).then().statusCode(401);
        given().auth().oauth2(ADMIN_KEY).post(DEAD_LETTERS + "/not-a-uuid/retry").then().statusCode(400)
                .body("type", equalTo(ProblemTypes.INVALID_REQUEST));
    }

    /** The cap where events enter: a change whose event would be too large commits nothing at all. */
    @Test
    void anOversizedEventIsRefusedBeforeAnythingCommits() {
        String aggregate = "dlq-cap-" + UUID.randomUUID();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            OutboxRelayTest.insert(aggregate, 1);
            outbox.record("test", aggregate, "dev.modelforge.test", Topics.MODEL_VERSIONS, aggregate,
                    Map.of("pad", "y".repeat(1_000_000)));
        })).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.status()).isEqualTo(422);
            assertThat(p.type()).isEqualTo(ProblemTypes.EVENT_TOO_LARGE);
            assertThat(p.getMessage()).contains("modelforge.outbox.max-payload-size");
        });
        assertThat(QuarkusTransaction.requiringNew().call(() -> OutboxEvent.count("aggregateId", aggregate)))
                .isZero();
    }

    private static boolean parked(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) OutboxEvent.getEntityManager()
                .createNativeQuery("select count(*) from outbox_dead_letter where id = :id").setParameter("id", id)
                .getSingleResult()).longValue() > 0);
    }
}
