package dev.modelforge.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher against a scratch "repository" without built services, so only the stack runs.
 * The stack JVM is a real background process, exactly as {@code ./modelforge up} starts it.
 */
class StackMainTest {

    @Test
    void upTwiceThenDownLeavesNothingRunning(@TempDir Path repo) throws Exception {
        StateDir state = new StateDir(repo.resolve(".modelforge"));
        StackMain launcher = new StackMain(repo, state);

        assertThat(launcher.up()).isZero();
        List<ManagedProcess> processes = state.processes();
        assertThat(processes).extracting(ManagedProcess::name).containsExactlyInAnyOrder("stack", "postgres", "s3proxy");
        assertThat(processes).allMatch(ManagedProcess::isRunning);
        assertThat(StateDir.readProperties(state.stackSettingsFile()).getProperty("env.MODELFORGE_DB_URL"))
                .startsWith("jdbc:postgresql://127.0.0.1:");

        assertThat(launcher.up()).as("second up reports the running stack").isZero();
        assertThat(state.processes()).isEqualTo(processes);
        assertThat(launcher.status()).isZero();

        assertThat(launcher.down()).isZero();
        assertThat(processes).noneMatch(p -> ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertThat(state.pidsFile()).doesNotExist();
        assertThat(launcher.status()).isEqualTo(3);
        assertThat(launcher.down()).as("down when nothing runs").isZero();
    }

    @Test
    void killedStackJvmLeavesNoOrphans(@TempDir Path repo) throws Exception {
        StateDir state = new StateDir(repo.resolve(".modelforge"));
        StackMain launcher = new StackMain(repo, state);
        assertThat(launcher.up()).isZero();
        List<ManagedProcess> processes = state.processes();
        ManagedProcess stack = processes.stream().filter(p -> p.name().equals("stack")).findFirst().orElseThrow();

        ProcessHandle.of(stack.pid()).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown hook runs

        // The reapers notice within a second and give postgres/s3proxy a few seconds to stop.
        for (ManagedProcess p : processes) {
            ProcessHandle.of(p.pid()).ifPresent(h -> ProcessControl.awaitExit(h, Duration.ofSeconds(30)));
        }
        assertThat(processes).noneMatch(ManagedProcess::isRunning);
        assertThat(launcher.status()).isEqualTo(1);
        assertThat(launcher.down()).isZero();
        assertThat(Files.exists(state.pidsFile())).isFalse();
    }

    @Test
    void adminKeysAreLongRandomAndPrefixed() {
        String key = StackMain.newAdminKey();
        assertThat(key).matches("mf_[A-Za-z0-9_-]{43}");
        assertThat(StackMain.newAdminKey()).isNotEqualTo(key);
    }

    @Test
    void eachWorkerServiceGetsItsOwnKeyAndTheRegistryKnowsThemAll() {
        var keys = StackMain.workerKeys(StackMain.SERVICES);
        assertThat(keys).containsOnlyKeys("compression-worker", "benchmark-worker");
        assertThat(keys.get("compression-worker")).isNotEqualTo(keys.get("benchmark-worker")).startsWith("mf_");
        assertThat(StackMain.bootstrapWorkerKeys(keys)).isEqualTo("compression-worker=" + keys.get("compression-worker")
                + ",benchmark-worker=" + keys.get("benchmark-worker"));
    }

    @Test
    void pidLinesRoundTrip() {
        ManagedProcess p = new ManagedProcess("registry-service", 4242, "-Dmodelforge.process=registry-service");
        assertThat(ManagedProcess.parse(p.toLine())).isEqualTo(p);
    }

    @Test
    void aRecycledPidIsNotMistakenForOurProcess() {
        long self = ProcessHandle.current().pid();
        assertThat(new ManagedProcess("stack", self, "-Dmodelforge.process=no-such-marker").isRunning()).isFalse();
        assertThat(new ManagedProcess("test", self, "").isRunning()).isTrue();
    }
}
