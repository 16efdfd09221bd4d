package dev.modelforge.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The launcher's {@code .modelforge/} directory: what runs (pids), where (registry-url), the
 * admin key, the stack's connection settings, logs and the stack's data.
 */
final class StateDir {

    private final Path root;

    StateDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path pidsFile() {
        return root.resolve("pids");
    }

    Path registryUrlFile() {
        return root.resolve("registry-url");
    }

    Path adminKeyFile() {
        return root.resolve("admin-key");
    }

    /** Connection settings the stack JVM publishes for the services (contains secrets). */
    Path stackSettingsFile() {
        return root.resolve("stack.properties");
    }

    Path stackWorkDir() {
        return root.resolve("stack");
    }

    /** Launch specifications of the services (command, environment: contains secrets), for {@code restart}. */
    Path launchFile(String service) {
        return root.resolve("services").resolve(service + ".properties");
    }

    Path logs() {
        return root.resolve("logs");
    }

    Path log(String name) {
        return logs().resolve(name + ".log");
    }

    List<ManagedProcess> processes() throws IOException {
        List<ManagedProcess> processes = new ArrayList<>();
        if (Files.exists(pidsFile())) {
            for (String line : Files.readAllLines(pidsFile())) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    processes.add(ManagedProcess.parse(line));
                }
            }
        }
        return processes;
    }

    /** Replaces the line of the process named like {@code process} (a restarted service). */
    void replace(ManagedProcess process) throws IOException {
        List<String> lines = new ArrayList<>();
        for (ManagedProcess p : processes()) {
            lines.add(p.name().equals(process.name()) ? process.toLine() : p.toLine());
        }
        Path tmp = Files.createTempFile(root, ".tmp-", "");
        Files.write(tmp, lines);
        Files.move(tmp, pidsFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Appended one by one, so a launch that fails half-way can still be cleaned up by {@code down}. */
    void record(ManagedProcess process) throws IOException {
        Files.createDirectories(root);
        Files.writeString(pidsFile(), process.toLine() + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    void writeSecret(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(root, ".tmp-", "");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system: best effort
        }
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void writeProperties(Path file, Properties properties) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(root, ".tmp-", ".properties");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system: best effort
        }
        try (Writer out = Files.newBufferedWriter(tmp)) {
            properties.store(out, "written by the ModelForge stack JVM; removed by ./modelforge down");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Properties readProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return properties;
    }

    /** Forgets the run; logs stay for post-mortems. */
    void clearRunState() throws IOException {
        for (Path file : List.of(pidsFile(), registryUrlFile(), adminKeyFile(), stackSettingsFile())) {
            Files.deleteIfExists(file);
        }
        Path services = root.resolve("services");
        if (Files.isDirectory(services)) {
            try (var files = Files.list(services)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(services);
        }
    }
}
