package dev.modelforge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: each service mounts only its own Secret. A worker pod sees its worker-role API key and the object-store
 * credentials — never the admin key or the database password — and the registry registers the workers' keys from
 * their Secrets.
 */
class SecretsPerServiceTest {

    private static final Path K8S = Path.of("k8s");

    @Test
    void workersHoldTheirOwnWorkerKeyAndNothingOfTheRegistrys() {
        List<ObjectNode> docs = Kustomization.render(K8S.resolve("overlays/prod"));
        Set<String> compressionSecrets = secretsOf(docs, find(docs, "modelforge-compression-worker"));
        assertThat(compressionSecrets).containsExactly("modelforge-compression-worker-secrets");
        for (ObjectNode d : docs) {
            String name = d.path("metadata").path("name").asText();
            if ("Deployment".equals(d.path("kind").asText()) && name.startsWith("modelforge-benchmark-")) {
                assertThat(secretsOf(docs, d)).as(name).containsExactly("modelforge-benchmark-worker-secrets");
            }
        }
        for (String workerSecret : List.of("modelforge-compression-worker-secrets", "modelforge-benchmark-worker-secrets")) {
            Set<String> keys = keysOf(docs, workerSecret);
            assertThat(keys).as(workerSecret).contains("MODELFORGE_WORKER_API_KEY")
                    .doesNotContain("MODELFORGE_BOOTSTRAP_ADMIN_KEY", "MODELFORGE_DB_PASSWORD", "MODELFORGE_DB_USER");
        }
        assertThat(keysOf(docs, "modelforge-registry-secrets")).contains("MODELFORGE_BOOTSTRAP_ADMIN_KEY")
                .doesNotContain("MODELFORGE_WORKER_API_KEY");
        String compressionKey = value(docs, "modelforge-compression-worker-secrets", "MODELFORGE_WORKER_API_KEY");
        String benchmarkKey = value(docs, "modelforge-benchmark-worker-secrets", "MODELFORGE_WORKER_API_KEY");
        assertThat(compressionKey).isNotEqualTo(benchmarkKey).hasSizeGreaterThanOrEqualTo(32);
        assertThat(benchmarkKey).hasSizeGreaterThanOrEqualTo(32);

        JsonNode registry = find(docs, "modelforge-registry").at("/spec/template/spec/containers/0");
        Set<String> referenced = new TreeSet<>();
        String bootstrap = null;
        for (JsonNode env : registry.path("env")) {
            JsonNode ref = env.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode()) {
                referenced.add(ref.path("name").asText() + "/" + ref.path("key").asText());
            }
            if (env.path("name").asText().equals("MODELFORGE_BOOTSTRAP_WORKER_KEYS")) {
                bootstrap = env.path("value").asText();
            }
        }
        assertThat(referenced).containsExactly("modelforge-benchmark-worker-secrets/MODELFORGE_WORKER_API_KEY",
                "modelforge-compression-worker-secrets/MODELFORGE_WORKER_API_KEY");
        assertThat(bootstrap).contains("compression-worker=$(COMPRESSION_WORKER_KEY)")
                .contains("benchmark-worker=$(BENCHMARK_WORKER_KEY)");
    }

    private static Set<String> secretsOf(List<ObjectNode> docs, JsonNode deployment) {
        Set<String> names = new TreeSet<>();
        for (JsonNode c : deployment.at("/spec/template/spec/containers")) {
            c.path("envFrom").forEach(f -> {
                if (f.has("secretRef")) {
                    names.add(f.path("secretRef").path("name").asText());
                }
            });
            c.path("env").forEach(e -> {
                JsonNode ref = e.at("/valueFrom/secretKeyRef");
                if (!ref.isMissingNode()) {
                    names.add(ref.path("name").asText());
                }
            });
        }
        return names;
    }

    private static Set<String> keysOf(List<ObjectNode> docs, String secret) {
        Set<String> keys = new TreeSet<>();
        docSecret(docs, secret).path("stringData").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static String value(List<ObjectNode> docs, String secret, String key) {
        return docSecret(docs, secret).path("stringData").path(key).asText();
    }

    private static JsonNode docSecret(List<ObjectNode> docs, String name) {
        return docs.stream().filter(d -> "Secret".equals(d.path("kind").asText())
                && name.equals(d.path("metadata").path("name").asText())).findFirst().orElseThrow();
    }

    private static JsonNode find(List<ObjectNode> docs, String deployment) {
        return docs.stream().filter(d -> "Deployment".equals(d.path("kind").asText())
                && deployment.equals(d.path("metadata").path("name").asText())).findFirst().orElseThrow();
    }
}
