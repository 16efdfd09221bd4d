package dev.modelforge.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** PostgreSQL 17 from zonky's bundled binaries, with the {@code modelforge} database created. */
final class EmbeddedDatabase implements AutoCloseable {

    static final String DATABASE = "modelforge";
    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private Optional<OrphanReaper> reaper = Optional.empty();

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    static EmbeddedDatabase start(Path dir) throws IOException {
        Path dataDir = dir.resolve("data");
        Files.createDirectories(dir);
        Path log = dir.resolve("postgres.log");
        boolean fromTemplate = PgTemplate.copyInto(dataDir, log);
        EmbeddedPostgres postgres;
        try {
            postgres = configured(dataDir, log).start();
        } catch (IOException e) {
            if (!fromTemplate) {
                throw e;
            }
            // A damaged cached template must not break the stack: fall back to a fresh initdb.
            Directories.deleteRecursively(dataDir);
            fromTemplate = false;
            postgres = configured(dataDir, log).start();
        }
        EmbeddedDatabase db = new EmbeddedDatabase(postgres, dataDir);
        // SIGINT is PostgreSQL's "fast shutdown": it does not wait for clients to disconnect.
        db.postmasterPid().ifPresent(pid -> db.reaper = OrphanReaper.watch(pid, "INT"));
        if (!fromTemplate) {
            try {
                initialize(postgres);
            } catch (IOException e) {
                db.close();
                throw e;
            }
        }
        return db;
    }

    /**
     * Zonky runs initdb only when the data directory has no postgresql.conf, and with clean-up off
     * it leaves the directory alone on close: whoever owns the work directory deletes it.
     */
    static EmbeddedPostgres.Builder configured(Path dataDir, Path log) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // LocalStack owns the lifecycle; its own hook stops everything in order.
                .setRegisterShutdownHook(false)
                .setOutputRedirector(Redirect.appendTo(log.toFile()))
                .setErrorRedirector(Redirect.appendTo(log.toFile()))
                // Several Quarkus apps with pools plus tests share one server.
                .setServerConfig("max_connections", "200")
                // Throwaway data: durability only costs time here.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off");
    }

    /** Creates the application database; part of the cached template, so usually done once. */
    static void initialize(EmbeddedPostgres postgres) throws IOException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
            s.execute("ALTER USER " + USER + " PASSWORD '" + PASSWORD + "'");
        } catch (SQLException e) {
            throw new IOException("could not create database " + DATABASE, e);
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
    }

    /** The postmaster is started by pg_ctl and is not our descendant, so callers track it by PID. */
    OptionalLong postmasterPid() {
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            Optional<String> first = Files.readAllLines(pidFile).stream().findFirst();
            return first.map(s -> OptionalLong.of(Long.parseLong(s.trim()))).orElse(OptionalLong.empty());
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static void awaitExit(ProcessHandle postmaster) {
        try {
            postmaster.onExit().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            postmaster.destroyForcibly();
        } catch (ExecutionException e) {
            // onExit never fails; nothing to wait for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        OptionalLong pid = postmasterPid();
        reaper.ifPresent(OrphanReaper::close);
        postgres.close();
        // pg_ctl returns once the pid file is gone, a moment before the postmaster has exited.
        if (pid.isPresent()) {
            ProcessHandle.of(pid.getAsLong()).ifPresent(EmbeddedDatabase::awaitExit);
        }
    }
}
