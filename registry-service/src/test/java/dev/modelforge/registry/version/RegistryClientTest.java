package dev.modelforge.registry.version;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.resource;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.RegistryClientException;
import dev.modelforge.api.client.UploadRequest;
import dev.modelforge.api.model.CreateModelRequest;
import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.api.version.SourceMetadata;
import dev.modelforge.localstack.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** registry-api's typed client (what the CLI uses) against the real registry. */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class RegistryClientTest {
    @TestHTTPResource("/")
    URI base;

    @TempDir
    Path dir;

    @Test
    void uploadsRawAndMultipartAndReadsBack() throws Exception {
        var client = new RegistryClient(base, key("uploader"));
        Path model = Files.write(dir.resolve("m.onnx"), reluModel("client"));
        Path eval = Files.write(dir.resolve("eval.npz"), resource("/onnx/single_relu_eval.npz"));
        AtomicLong lastProgress = new AtomicLong();

        var raw = client.upload(new UploadRequest("client-model", model, null, null,
                new SourceMetadata("c0ffee", null, null, Map.of("k", "v")), "key-1"), (sent, total) -> lastProgress.set(sent));
        assertThat(raw.created()).isTrue();
        assertThat(raw.version().artifact().sha256()).isEqualTo(sha256(Files.readAllBytes(model)));
        assertThat(raw.version().source().labels()).containsEntry("k", "v");
        assertThat(lastProgress.get()).isEqualTo(Files.size(model));
        assertThat(client.upload(new UploadRequest("client-model", model, null, null, null, "key-1"),
                (s, t) -> { }).created()).isFalse();

        var multipart = client.upload(new UploadRequest("client-model", model, eval, eval,
                new SourceMetadata("c0ffee", "https://ci/1", "torch", null), null), (s, t) -> { });
        assertThat(multipart.version().version()).isEqualTo(2);
        assertThat(multipart.version().eval().sha256()).isEqualTo(sha256(Files.readAllBytes(eval)));
        assertThat(multipart.version().source().pipelineUrl()).isEqualTo("https://ci/1");

        var reader = new RegistryClient(base, key("reader"));
        assertThat(reader.listVersions("client-model", false)).extracting(v -> v.version()).containsExactly(1, 2);
        assertThat(reader.getModel("client-model").latestVersion()).isEqualTo(2);
        assertThat(reader.artifactUri("client-model", 1).toString()).contains("sha256/");
        assertThat(reader.listModels("client-", null, 0, 10).items()).extracting(m -> m.name())
                .containsExactly("client-model");
    }

    @Test
    void failuresCarryTheProblem() {
        var reader = new RegistryClient(base, key("reader"));
        assertThatThrownBy(() -> reader.createModel(new CreateModelRequest("client-forbidden", null, List.of())))
                .isInstanceOfSatisfying(RegistryClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.problem().type()).isEqualTo(ProblemTypes.FORBIDDEN);
                });
        assertThatThrownBy(() -> reader.getVersion("client-none", 1))
                .isInstanceOfSatisfying(RegistryClientException.class,
                        e -> assertThat(e.problem().type()).isEqualTo(ProblemTypes.MODEL_NOT_FOUND));
    }
}
