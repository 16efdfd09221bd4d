package dev.modelforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import org.junit.jupiter.api.Test;

/** {@code modelforge keys create|list|revoke|rotate} against canned registry answers. */
class KeysCommandTest extends CannedCliTest {
    private static final String KEY = """
            {"id":7,"name":"ci-fraud","prefix":"mf_abcde","role":"uploader","createdAt":"2026-12-01T10:00:00Z",
             "team":"fraud","createdBy":"key:1","expiresAt":null,"rotatedAt":null,"previousValidUntil":null,
             "revokedAt":null}""";
    private static final String CREATED = "{\"key\":" + KEY + ",\"secret\":\"mf_abcdefsecret\"}";


    @Test
    void createPrintsTheSecretOnceAndSendsTeamAndExpiry() {
        registry.on("POST /api/v1/api-keys", 201, CREATED);
        int code = run("keys", "create", "ci-fraud", "--role", "uploader", "--team", "fraud",
                "--expires-at", "2027-01-31T00:00:00Z");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("created key 7 'ci-fraud'").contains("team fraud")
                .contains("secret (shown once): mf_abcdefsecret");
        assertThat(registry.requests).contains("POST /api/v1/api-keys");
    }

    @Test
    void badInputExits2WithWhatToFix() {
        assertThat(run("keys", "create", "x", "--role", "root")).isEqualTo(2);
        assertThat(err.toString()).contains("--role").contains("reader, uploader");
        assertThat(run("keys", "create", "x", "--role", "reader", "--expires-at", "tomorrow")).isEqualTo(2);
        assertThat(err.toString()).contains("--expires-at must be an ISO-8601 instant");
        assertThat(run("keys", "revoke", "seven")).isEqualTo(2);
        assertThat(run("keys", "rotate", "7", "--grace-seconds", "-5")).isEqualTo(2);
        assertThat(err.toString()).contains("--grace-seconds must be 0 or more");
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void listRevokeAndRotate() {
        registry.on("GET /api/v1/api-keys", "[" + KEY + "]");
        assertThat(run("keys", "list")).isZero();
        assertThat(out.toString()).contains("ci-fraud").contains("uploader").contains("fraud").contains("key:1");

        registry.on("DELETE /api/v1/api-keys/7", 204, "");
        assertThat(run("keys", "revoke", "7", "--json")).isZero();
        assertThat(out.toString()).contains("\"revoked\" : 7");

        registry.on("POST /api/v1/api-keys/7/rotate", CREATED.replace("\"previousValidUntil\":null",
                "\"previousValidUntil\":\"2026-12-02T10:00:00Z\""));
        assertThat(run("keys", "rotate", "7")).isZero();
        assertThat(out.toString()).contains("rotated key 7").contains("old secret works until 2026-12-02T10:00:00Z");

        registry.on("DELETE /api/v1/api-keys/9", 404, "{\"type\":\"https://modelforge.dev/problems/api-key-not-found\","
                + "\"status\":404,\"detail\":\"no active API key with id 9\"}");
        assertThat(run("keys", "revoke", "9")).isEqualTo(5);
        assertThat(err.toString()).contains("no active API key with id 9");
    }
}
