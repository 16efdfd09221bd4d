package dev.modelforge.worker.benchmark.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A measuring child sees none of the worker's secrets (issue 13): checked on a real child process's environment. */
class ChildEnvironmentTest {

    @Test
    void aChildProcessSeesNoKeysOrStorageSecretsButCanStillFindItsTools() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("env");
        pb.environment().put("MODELFORGE_WORKER_API_KEY", "mf_secret-worker-key");
        pb.environment().put("MODELFORGE_S3_SECRET_KEY", "s3-secret");
        pb.environment().put("MODELFORGE_S3_ACCESS_KEY", "s3-access");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "aws-secret");
        pb.environment().put("MODELFORGE_REGISTRY_URL", "http://registry");
        pb.environment().put("TMPDIR", "/tmp");
        ChildEnvironment.scrub(pb.environment());
        String env = run(pb);
        assertThat(env).doesNotContain("mf_secret-worker-key", "s3-secret", "s3-access", "aws-secret",
                "MODELFORGE_").contains("TMPDIR=/tmp");
        if (System.getenv("PATH") != null) {
            assertThat(env).contains("PATH=" + System.getenv("PATH"));
        }
    }

    private static String run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
