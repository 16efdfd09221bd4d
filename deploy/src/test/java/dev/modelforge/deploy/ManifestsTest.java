package dev.modelforge.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestsTest {

    private static final Path K8S = Path.of("k8s");

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void everyRenderedObjectIsValidAndEveryReferenceResolves(String dir) {
        List<ObjectNode> docs = Kustomization.render(K8S.resolve(dir));

        assertThat(docs).extracting(d -> d.path("kind").asText())
                .contains("Deployment", "Service", "HorizontalPodAutoscaler", "ScaledObject", "ConfigMap", "Secret");
        assertThat(ManifestChecks.check(docs)).isEmpty();
    }

    @Test
    void everyCpuProfileHasABenchmarkPoolAndProdAddsTheGpuOne() {
        List<String> base = deployments(Kustomization.render(K8S.resolve("base")));
        List<String> prod = deployments(Kustomization.render(K8S.resolve("overlays/prod")));

        assertThat(base).contains("modelforge-benchmark-x86-server", "modelforge-benchmark-arm64-mobile",
                "modelforge-benchmark-iot-1core").doesNotContain("modelforge-benchmark-gpu-fp16");
        assertThat(prod).contains("modelforge-benchmark-gpu-fp16");
    }

    @Test
    void overlaysChangeWhatTheySayTheyChange() {
        List<ObjectNode> dev = Kustomization.render(K8S.resolve("overlays/dev"));
        List<ObjectNode> prod = Kustomization.render(K8S.resolve("overlays/prod"));

        assertThat(find(dev, "Deployment", "modelforge-registry").path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(find(prod, "Deployment", "modelforge-registry").path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(find(dev, "Deployment", "modelforge-registry").path("metadata").path("namespace").asText())
                .isEqualTo("modelforge-dev");
        assertThat(find(prod, "Deployment", "modelforge-registry")
                .at("/spec/template/spec/containers/0/image").asText()).isEqualTo("modelforge/registry-service:0.1.0");
        assertThat(find(dev, "Deployment", "modelforge-benchmark-x86-server")
                .at("/spec/template/spec/nodeSelector").has("feature.node.kubernetes.io/cpu-cpuid.AVX512VNNI")).isFalse();
    }

    @Test
    void theCheckCatchesTyposDanglingReferencesAndBrokenPatches(@TempDir Path tmp) throws IOException {
        Path base = K8S.resolve("base");
        for (Path f : Files.list(base).toList()) {
            Files.copy(f, tmp.resolve(f.getFileName()));
        }
        Path registry = tmp.resolve("registry.yaml");
        Files.writeString(registry, Files.readString(registry)
                .replace("readinessProbe:", "readinesProbe:")
                .replace("name: modelforge-config", "name: modelforge-cnofig")
                .replace("targetPort: http", "targetPort: https"));

        List<String> problems = ManifestChecks.check(Kustomization.render(tmp));

        assertThat(problems).anyMatch(p -> p.contains("readinesProbe"))
                .anyMatch(p -> p.contains("ConfigMap modelforge-cnofig does not exist"))
                .anyMatch(p -> p.contains("targetPort https"));

        Files.writeString(tmp.resolve("kustomization.yaml"), Files.readString(tmp.resolve("kustomization.yaml"))
                + "patches:\n  - target:\n      kind: Deployment\n      name: modelforge-registry\n"
                + "    patch: |-\n      - op: replace\n        path: /spec/replicaz\n        value: 1\n");
        assertThatThrownBy(() -> Kustomization.render(tmp)).hasMessageContaining("/spec/replicaz");
    }

    @Test
    void everyVariableTheClusterSetsIsOneAServiceReads() throws IOException {
        StringBuilder config = new StringBuilder();
        for (String service : List.of("registry-service", "compression-worker", "benchmark-worker")) {
            config.append(Files.readString(Path.of("..", service, "src/main/resources/application.properties")));
        }
        List<ObjectNode> docs = Kustomization.render(K8S.resolve("overlays/prod"));
        List<String> unread = new java.util.ArrayList<>();
        for (ObjectNode doc : docs) {
            String kind = doc.path("kind").asText();
            if (!kind.equals("ConfigMap") && !kind.equals("Secret")) {
                continue;
            }
            var data = kind.equals("ConfigMap") ? doc.path("data") : doc.path("stringData");
            data.fieldNames().forEachRemaining(key -> {
                if (!key.startsWith("QUARKUS_") && !config.toString().contains("${" + key)) {
                    unread.add(kind + " " + key);
                }
            });
        }
        assertThat(unread).as("variables no service's application.properties reads").isEmpty();
    }

    private static List<String> deployments(List<ObjectNode> docs) {
        return docs.stream().filter(d -> "Deployment".equals(d.path("kind").asText()))
                .map(d -> d.path("metadata").path("name").asText()).toList();
    }

    private static ObjectNode find(List<ObjectNode> docs, String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .findFirst().orElseThrow();
    }
}
