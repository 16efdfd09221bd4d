package dev.modelforge.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The launcher behind {@code ./modelforge up|down|status}: the local stack and the ModelForge
 * services as background processes, tracked by PID in {@code .modelforge/}.
 *
 * <p>Run from the repository root; the services are started from their
 * {@code target/quarkus-app/quarkus-run.jar} when built.
 */
public final class StackMain {

    static final String MARKER_PROPERTY = "-Dmodelforge.process=";
    private static final Duration STACK_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SERVICE_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** A Quarkus service of this repository and the port it prefers. */
    record Service(String name, int preferredPort, String maxHeap) {
        Path jar(Path repo) {
            return repo.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        }
    }

    static final List<Service> SERVICES = List.of(
            new Service("registry-service", 8080, "-Xmx768m"),
            new Service("compression-worker", 8081, "-Xmx1g"),
            new Service("benchmark-worker", 8082, "-Xmx1g"));

    /** The seeded CPU profiles; the demo waits for a promotion on each. */
    static final String LOCAL_BENCHMARK_PROFILES = "x86-server,arm64-mobile,iot-1core";

    private final Path repo;
    private final StateDir state;

    StackMain(Path repo, StateDir state) {
        this.repo = repo;
        this.state = state;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        StackMain launcher = new StackMain(repo, new StateDir(repo.resolve(".modelforge")));
        String command = args.length == 0 ? "" : args[0];
        int code = switch (command) {
            case "up" -> launcher.up();
            case "down" -> launcher.down();
            case "status" -> launcher.status();
            case "restart" -> args.length == 2 ? launcher.restart(args[1]) : usage();
            case "serve" -> StackServe.run(launcher.state);
            case "api" -> args.length == 2 ? DemoTools.api(launcher.state, args[1]) : usage();
            case "events" -> args.length == 2 ? DemoTools.events(launcher.state, args[1], Duration.ofSeconds(3)) : usage();
            default -> usage();
        };
        if (!"serve".equals(command)) {
            System.exit(code);
        }
    }

    private static int usage() {
        System.err.println("usage: StackMain up | down | status | restart SERVICE | api PATH | events TOPIC"
                + "   (serve is internal to up)");
        return 2;
    }

    int up() throws Exception {
        List<ManagedProcess> known = state.processes();
        if (known.stream().anyMatch(ManagedProcess::isRunning)) {
            System.out.println("ModelForge is already running (./modelforge down stops it).");
            printSummary();
            return 0;
        }
        if (!known.isEmpty()) {
            System.out.println("Cleaning up after a previous run that is no longer running.");
            stopAll(known);
        }
        state.clearRunState();
        Files.createDirectories(state.logs());
        // Ctrl-C during startup must not leave half a system running in the background.
        Thread rollback = new Thread(() -> {
            System.err.println("\nInterrupted: stopping what was started...");
            try {
                stopAll(state.processes());
                state.clearRunState();
            } catch (IOException e) {
                System.err.println("Could not clean up (" + e.getMessage() + "); run ./modelforge down");
            }
        }, "up-rollback");
        Runtime.getRuntime().addShutdownHook(rollback);
        try {
            int code = startEverything();
            Runtime.getRuntime().removeShutdownHook(rollback);
            return code;
        } catch (IOException | RuntimeException e) {
            Runtime.getRuntime().removeShutdownHook(rollback);
            System.err.println("\nStartup failed: " + e.getMessage());
            System.err.println("Stopping what was started...");
            stopAll(state.processes());
            state.clearRunState();
            return 1;
        }
    }

    private int startEverything() throws Exception {
        long t0 = System.nanoTime();
        System.out.println("Starting PostgreSQL, Kafka (KRaft) and S3 (s3proxy)...");
        List<String> serveCommand = JavaCommand.builder()
                .jvmOption(MARKER_PROPERTY + "stack")
                .jvmOption("-Xmx1g")
                // A local broker never gets hot enough to pay back C2's compile time on two cores.
                .jvmOption("-XX:TieredStopAtLevel=1")
                .jvmOption("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .mainClass(System.getProperty("java.class.path"), StackMain.class.getName())
                .arg("serve")
                .build();
        Process stackProcess = ProcessControl.launchDetached(serveCommand, Map.of(), state.log("stack"), repo);
        state.record(new ManagedProcess("stack", stackProcess.pid(), MARKER_PROPERTY + "stack"));
        Properties settings = awaitStackSettings(stackProcess);
        settings.stringPropertyNames().stream().filter(k -> k.startsWith("pid.")).sorted().forEach(k -> {
            String name = k.substring("pid.".length());
            String marker = name.equals("s3proxy") ? "s3proxy" : name;
            recordQuietly(new ManagedProcess(name, Long.parseLong(settings.getProperty(k)), marker));
        });
        System.out.printf("  stack ready in %.1f s (%s)%n", seconds(t0), settings.getProperty("timings"));

        Map<String, String> env = new LinkedHashMap<>();
        settings.stringPropertyNames().stream().filter(k -> k.startsWith("env."))
                .forEach(k -> env.put(k.substring("env.".length()), settings.getProperty(k)));
        String adminKey = newAdminKey();
        Map<Service, Integer> ports = new LinkedHashMap<>();
        for (Service service : selectedServices()) {
            if (Files.isRegularFile(service.jar(repo))) {
                ports.put(service, freePortAvoiding(service.preferredPort(), ports.values()));
            } else {
                System.out.println("  " + service.name() + ": not built (" + repo.relativize(service.jar(repo))
                        + " missing), skipped");
            }
        }
        Integer registryPort = ports.entrySet().stream().filter(e -> e.getKey().name().equals("registry-service"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        String registryUrl = registryPort == null ? null : "http://127.0.0.1:" + registryPort;
        // Each worker service reports back with a key of its own, role worker (never the admin key): the registry
        // registers them at startup from MODELFORGE_BOOTSTRAP_WORKER_KEYS, and each worker sees only its own.
        Map<String, String> workerKeys = workerKeys(ports.keySet());
        if (registryUrl != null) {
            env.put("MODELFORGE_REGISTRY_URL", registryUrl);
        }
        // One local benchmark worker serves every CPU profile (emulated: the profile's threads on this CPU);
        // gpu-fp16 needs a GPU worker. The caller's MODELFORGE_BENCHMARK_PROFILES wins.
        env.put("MODELFORGE_BENCHMARK_PROFILES", System.getenv().getOrDefault("MODELFORGE_BENCHMARK_PROFILES",
                LOCAL_BENCHMARK_PROFILES));

        Map<Service, Process> started = new LinkedHashMap<>();
        for (Map.Entry<Service, Integer> entry : ports.entrySet()) {
            Service service = entry.getKey();
            Map<String, String> serviceEnv = new LinkedHashMap<>(env);
            serviceEnv.put("QUARKUS_HTTP_PORT", Integer.toString(entry.getValue()));
            serviceEnv.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            if (service.name().equals("registry-service")) {
                serviceEnv.put("MODELFORGE_BOOTSTRAP_ADMIN_KEY", adminKey);
                serviceEnv.put("MODELFORGE_BOOTSTRAP_WORKER_KEYS", bootstrapWorkerKeys(workerKeys));
            } else if (workerKeys.containsKey(service.name())) {
                serviceEnv.put("MODELFORGE_WORKER_API_KEY", workerKeys.get(service.name()));
            }
            List<String> command = JavaCommand.builder()
                    .jvmOption(MARKER_PROPERTY + service.name())
                    .jvmOption(service.maxHeap())
                    .jar(service.jar(repo))
                    .build();
            writeLaunch(service.name(), entry.getValue(), command, serviceEnv);
            Process process = ProcessControl.launchDetached(command, serviceEnv, state.log(service.name()), repo);
            state.record(new ManagedProcess(service.name(), process.pid(), MARKER_PROPERTY + service.name()));
            started.put(service, process);
            System.out.println("  " + service.name() + " starting on port " + entry.getValue() + " (pid "
                    + process.pid() + ")");
        }
        for (Map.Entry<Service, Process> entry : started.entrySet()) {
            long ts = System.nanoTime();
            Service service = entry.getKey();
            ProcessControl.Readiness readiness = ProcessControl.awaitReady(service.name(), entry.getValue(),
                    ports.get(service), SERVICE_TIMEOUT, state.log(service.name()));
            System.out.printf("  %s %s (+%.1f s, %.1f s since up)%n", service.name(),
                    readiness == ProcessControl.Readiness.READY ? "ready" : "started (no /q/health/ready endpoint)",
                    seconds(ts), seconds(t0));
        }
        if (registryUrl != null) {
            state.writeSecret(state.registryUrlFile(), registryUrl + "\n");
            state.writeSecret(state.adminKeyFile(), adminKey + "\n");
        }
        System.out.printf("%nModelForge is up in %.1f s.%n", seconds(t0));
        printSummary();
        return 0;
    }

    private Properties awaitStackSettings(Process stackProcess) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STACK_TIMEOUT.toNanos();
        while (!Files.exists(state.stackSettingsFile())) {
            if (!stackProcess.isAlive()) {
                throw new IOException("the stack process exited with code " + stackProcess.exitValue()
                        + ". Last log lines (" + state.log("stack") + "):\n" + ProcessControl.tail(state.log("stack"), 40));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the stack was not ready within " + STACK_TIMEOUT.toSeconds() + " s; see "
                        + state.log("stack"));
            }
            Thread.sleep(100);
        }
        return StateDir.readProperties(state.stackSettingsFile());
    }

    int down() throws IOException {
        List<ManagedProcess> processes = state.processes();
        if (processes.isEmpty()) {
            System.out.println("Nothing to stop: ModelForge is not running.");
            state.clearRunState();
            return 0;
        }
        long running = processes.stream().filter(ManagedProcess::isRunning).count();
        System.out.println("Stopping " + running + " process(es)...");
        List<ManagedProcess> survivors = stopAll(processes);
        if (!survivors.isEmpty()) {
            System.err.println("Could not stop: " + survivors + ". Kill them by hand; "
                    + state.pidsFile() + " is kept.");
            return 1;
        }
        state.clearRunState();
        System.out.println("Stopped. No ModelForge process is left running (" + processes.size()
                + " checked by PID). Logs: " + repo.relativize(state.logs()));
        return 0;
    }

    /** Stops in reverse start order (services, then the stack JVM, then what it owned). */
    private List<ManagedProcess> stopAll(List<ManagedProcess> processes) {
        List<ManagedProcess> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        // Services first, then the stack JVM, whose shutdown hook stops postgres and s3proxy itself;
        // those two are signalled directly only if they outlive it.
        reversed.sort(java.util.Comparator.comparingInt(p -> switch (p.name()) {
            case "stack" -> 1;
            case "postgres", "s3proxy" -> 2;
            default -> 0;
        }));
        List<ManagedProcess> survivors = new ArrayList<>();
        for (ManagedProcess process : reversed) {
            boolean wasRunning = process.isRunning();
            if (!ProcessControl.stop(process, STOP_GRACE)) {
                survivors.add(process);
            } else if (wasRunning) {
                System.out.println("  stopped " + process.name() + " (pid " + process.pid() + ")");
            }
        }
        return survivors;
    }

    /**
     * Which processes run and, for each service, what its readiness check says now (a service can run and still
     * not be ready: its database or storage is down).
     *
     * @return 0 when everything runs and every service is ready, 1 otherwise, 3 when nothing was started
     */
    int status() throws IOException {
        List<ManagedProcess> processes = state.processes();
        if (processes.isEmpty()) {
            System.out.println("ModelForge is not running (./modelforge up starts it).");
            return 3;
        }
        boolean allWell = true;
        for (ManagedProcess process : processes) {
            boolean running = process.isRunning();
            String readiness = "";
            if (running && Files.exists(state.launchFile(process.name()))) {
                int port = Integer.parseInt(StateDir.readProperties(state.launchFile(process.name())).getProperty("port"));
                String ready = ProcessControl.probeReady(port, Duration.ofSeconds(3));
                allWell &= ready.equals(ProcessControl.READY);
                readiness = "  port " + port + "  " + ready;
            }
            allWell &= running;
            System.out.printf("  %-20s pid %-8d %s%s%n", process.name(), process.pid(), running ? "running" : "NOT RUNNING",
                    readiness);
        }
        printSummary();
        return allWell ? 0 : 1;
    }

    /**
     * Stops one service and starts it again exactly as {@code up} did (same port, environment and keys), so that
     * {@code down} and {@code status} keep tracking it.
     */
    int restart(String name) throws Exception {
        Path launch = state.launchFile(name);
        if (!Files.exists(launch)) {
            List<String> known = SERVICES.stream().map(Service::name).filter(n -> Files.exists(state.launchFile(n))).toList();
            System.err.println("Cannot restart '" + name + "': " + (known.isEmpty()
                    ? "no service was started by ./modelforge up." : "not one of the running services " + known + "."));
            return 2;
        }
        Properties spec = StateDir.readProperties(launch);
        int port = Integer.parseInt(spec.getProperty("port"));
        List<String> command = new ArrayList<>();
        for (int i = 0; spec.containsKey("arg." + i); i++) {
            command.add(spec.getProperty("arg." + i));
        }
        Map<String, String> env = new LinkedHashMap<>();
        spec.stringPropertyNames().stream().filter(k -> k.startsWith("env."))
                .forEach(k -> env.put(k.substring("env.".length()), spec.getProperty(k)));
        for (ManagedProcess old : state.processes()) {
            if (old.name().equals(name) && !ProcessControl.stop(old, STOP_GRACE)) {
                System.err.println("Could not stop " + name + " (pid " + old.pid() + "); kill it by hand.");
                return 1;
            }
        }
        long t0 = System.nanoTime();
        Process process = ProcessControl.launchDetached(command, env, state.log(name), repo);
        state.replace(new ManagedProcess(name, process.pid(), MARKER_PROPERTY + name));
        System.out.println("  " + name + " restarting on port " + port + " (pid " + process.pid() + ")");
        ProcessControl.awaitReady(name, process, port, SERVICE_TIMEOUT, state.log(name));
        System.out.printf("  %s ready (+%.1f s)%n", name, seconds(t0));
        return 0;
    }

    private void writeLaunch(String name, int port, List<String> command, Map<String, String> env) throws IOException {
        Properties spec = new Properties();
        spec.setProperty("port", Integer.toString(port));
        for (int i = 0; i < command.size(); i++) {
            spec.setProperty("arg." + i, command.get(i));
        }
        env.forEach((k, v) -> spec.setProperty("env." + k, v));
        state.writeProperties(state.launchFile(name), spec);
    }

    private void printSummary() throws IOException {
        if (Files.exists(state.registryUrlFile())) {
            String url = Files.readString(state.registryUrlFile()).trim();
            System.out.println("  registry:  " + url + "   (API " + url + "/api/v1, Swagger UI " + url + "/q/swagger-ui)");
            System.out.println("  admin key: " + Files.readString(state.adminKeyFile()).trim()
                    + "   (" + repo.relativize(state.adminKeyFile()) + ")");
            System.out.println("  console:   " + url + "/ui   (sign in with the admin key)");
        }
        if (Files.exists(state.stackSettingsFile())) {
            Properties settings = StateDir.readProperties(state.stackSettingsFile());
            System.out.println("  postgres:  " + settings.getProperty("env.MODELFORGE_DB_URL"));
            System.out.println("  kafka:     " + settings.getProperty("env.MODELFORGE_KAFKA_BOOTSTRAP"));
            System.out.println("  s3:        " + settings.getProperty("env.MODELFORGE_S3_ENDPOINT") + " (bucket "
                    + settings.getProperty("env.MODELFORGE_S3_BUCKET") + ")");
        }
        System.out.println("  state:     " + repo.relativize(state.root()) + "/ (pids, logs/, stack.properties)");
    }

    private void recordQuietly(ManagedProcess process) {
        try {
            state.record(process);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code MODELFORGE_SERVICES=registry-service,compression-worker} narrows what {@code up} starts. */
    private static List<Service> selectedServices() {
        String selection = System.getenv("MODELFORGE_SERVICES");
        if (selection == null || selection.isBlank()) {
            return SERVICES;
        }
        List<String> names = java.util.Arrays.stream(selection.split(",")).map(String::trim).toList();
        List<String> unknown = names.stream()
                .filter(n -> SERVICES.stream().noneMatch(s -> s.name().equals(n))).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("MODELFORGE_SERVICES names unknown services " + unknown
                    + "; known: " + SERVICES.stream().map(Service::name).toList());
        }
        return SERVICES.stream().filter(s -> names.contains(s.name())).toList();
    }

    /** A fresh worker-role key per worker service (every service but the registry), by service name. */
    static Map<String, String> workerKeys(java.util.Collection<Service> services) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Service service : services) {
            if (!service.name().equals("registry-service")) {
                keys.put(service.name(), newAdminKey());
            }
        }
        return keys;
    }

    /** The registry's {@code MODELFORGE_BOOTSTRAP_WORKER_KEYS}: {@code name=secret} pairs, comma-separated. */
    static String bootstrapWorkerKeys(Map<String, String> workerKeys) {
        return String.join(",", workerKeys.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** API keys (admin and worker alike) look like {@code mf_<43 base64url chars>}: 256 random bits, greppable prefix. */
    static String newAdminKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "mf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePortAvoiding(int preferred, java.util.Collection<Integer> taken) {
        int port = FreePorts.preferred(preferred);
        while (taken.contains(port)) {
            port = FreePorts.any();
        }
        return port;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
