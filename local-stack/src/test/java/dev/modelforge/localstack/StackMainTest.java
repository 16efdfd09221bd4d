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

    /**
     * A "service" (a fake whose readiness the test switches) started by {@code up} is restarted on the same port with
     * the same environment, tracked under its new PID, shown by {@code status} with its readiness, stopped by {@code down}.
     */
    @Test
    void restartRelaunchesOneServiceAndStatusShowsReadiness(@TempDir Path repo) throws Exception {
        Path jar = repo.resolve("compression-worker/target/quarkus-app/quarkus-run.jar");
        writeFakeServiceJar(jar);
        StateDir state = new StateDir(repo.resolve(".modelforge"));
        StackMain launcher = new StackMain(repo, state);
        assertThat(launcher.up()).isZero();
        try {
            ManagedProcess first = state.processes().stream().filter(p -> p.name().equals("compression-worker"))
                    .findFirst().orElseThrow();
            assertThat(launcher.status()).as("running and ready").isZero();
            int port = Integer.parseInt(StateDir.readProperties(state.launchFile("compression-worker")).getProperty("port"));

            assertThat(launcher.restart("no-such-service")).isEqualTo(2);
            assertThat(launcher.restart("compression-worker")).isZero();
            ManagedProcess second = state.processes().stream().filter(p -> p.name().equals("compression-worker"))
                    .findFirst().orElseThrow();
            assertThat(second.pid()).isNotEqualTo(first.pid());
            assertThat(first.isRunning()).isFalse();
            assertThat(second.isRunning()).isTrue();
            assertThat(ProcessControl.probeReady(port, Duration.ofSeconds(3))).isEqualTo(ProcessControl.READY);
            assertThat(state.processes()).extracting(ManagedProcess::name)
                    .containsExactlyInAnyOrder("stack", "postgres", "s3proxy", "compression-worker");

            Files.createFile(repo.resolve("down")); // the fake now reports a DOWN check, as a stalled dependency would
            assertThat(ProcessControl.probeReady(port, Duration.ofSeconds(3))).contains("NOT READY").contains("object-storage");
            assertThat(launcher.status()).as("running but not ready").isEqualTo(1);
        } finally {
            assertThat(launcher.down()).isZero();
        }
        assertThat(state.launchFile("compression-worker")).doesNotExist();
        assertThat(state.pidsFile()).doesNotExist();
    }

    /** A jar whose manifest runs {@link FakeService} from this module's test classes. */
    private static void writeFakeServiceJar(Path jar) throws Exception {
        Files.createDirectories(jar.getParent());
        var manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, FakeService.class.getName());
        Path classes = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, classes.toUri().toString());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            // the manifest is the whole jar
        }
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
