package dev.modelforge.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalStackLifecycleTest {

    @Test
    void closeLeavesNoProcessBehind(@TempDir Path workDir) throws Exception {
        LocalStack stack = LocalStack.start(workDir, ExternalServices.none());
        Map<String, Long> owned = stack.externalProcesses();
        assertThat(owned).containsOnlyKeys("postgres", "s3proxy");
        assertThat(owned.values()).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());
        assertThat(ProcessHandle.current().descendants().count()).isPositive();

        stack.close();

        List<ProcessHandle> descendants = ProcessHandle.current().descendants().toList();
        assertThat(descendants).as("descendants after close").isEmpty();
        // The postmaster was started by pg_ctl and is not a descendant, so check it by PID.
        assertThat(owned.values()).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        stack.close(); // idempotent
    }
}
