package dev.modelforge.cli;

import dev.modelforge.api.auth.ApiKeyCreated;
import dev.modelforge.api.auth.ApiKeyDto;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.auth.RotateApiKeyRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge keys [list|create NAME --role R|revoke ID|rotate ID]}: API keys (needs an admin key). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "API keys (admin): list (default), create NAME --role ROLE [--team T] [--expires-at INSTANT],"
                + " revoke ID, rotate ID [--grace-seconds N].",
        subcommands = {KeysCommand.ListKeys.class, KeysCommand.Create.class, KeysCommand.Revoke.class,
                KeysCommand.Rotate.class})
final class KeysCommand extends RegistryCommand {

    @Override
    public Integer call() {
        return ListKeys.list(this);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the active API keys (no secrets).")
    static final class ListKeys extends RegistryCommand {
        @Override
        public Integer call() {
            return list(this);
        }

        static int list(RegistryCommand c) {
            List<ApiKeyDto> keys = c.registry.client().listApiKeys();
            return c.print(keys, () -> {
                var table = new Output.Table("ID", "NAME", "ROLE", "TEAM", "PREFIX", "CREATED BY", "EXPIRES", "ROTATED");
                for (ApiKeyDto k : keys) {
                    table.row(k.id(), k.name(), k.role().wireName(), k.team(), k.prefix(), k.createdBy(),
                            k.expiresAt(), k.rotatedAt());
                }
                table.print(c.out());
            });
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key; its secret is printed once.")
    static final class Create extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Unique among active keys, e.g. ci-fraud.")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "reader, uploader, promoter or admin (and worker, for the pipeline's workers).")
        String role;

        @Option(names = "--team", paramLabel = "TEAM",
                description = "The team the key acts for; models it creates belong to the team. Default: its own.")
        String team;

        @Option(names = "--expires-at", paramLabel = "INSTANT",
                description = "When the key stops working, ISO-8601, e.g. 2027-01-31T00:00:00Z. Default: never.")
        String expiresAt;

        @Override
        public Integer call() {
            Role r;
            try {
                r = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--role: " + e.getMessage());
            }
            Instant expiry = null;
            if (expiresAt != null) {
                try {
                    expiry = Instant.parse(expiresAt);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--expires-at must be an ISO-8601 instant like "
                            + "2027-01-31T00:00:00Z, got '" + expiresAt + "'");
                }
            }
            ApiKeyCreated created = registry.client().createApiKey(new CreateApiKeyRequest(name, r, team, expiry));
            return print(created, () -> printSecret(this, created, "created"));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key: it stops working within a second.")
    static final class Revoke extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "From 'modelforge keys list'.")
        long id;

        @Override
        public Integer call() {
            registry.client().revokeApiKey(id);
            return print(Map.of("revoked", id), () -> out().println("revoked key " + id));
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Give a key a new secret; the old one keeps working for the grace period (24 h by default).")
    static final class Rotate extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "From 'modelforge keys list'.")
        long id;

        @Option(names = "--grace-seconds", paramLabel = "N",
                description = "How long the old secret keeps working; 0 retires it at once (a leaked key).")
        Long graceSeconds;

        @Override
        public Integer call() {
            if (graceSeconds != null && graceSeconds < 0) {
                throw new IllegalArgumentException("--grace-seconds must be 0 or more, got " + graceSeconds);
            }
            ApiKeyCreated rotated = registry.client().rotateApiKey(id, new RotateApiKeyRequest(graceSeconds));
            return print(rotated, () -> {
                printSecret(this, rotated, "rotated");
                if (rotated.key().previousValidUntil() != null) {
                    out().println("the old secret works until " + rotated.key().previousValidUntil());
                }
            });
        }
    }

    private static void printSecret(RegistryCommand c, ApiKeyCreated k, String what) {
        c.out().println(what + " key " + k.key().id() + " '" + k.key().name() + "' (role " + k.key().role().wireName()
                + ", team " + k.key().team() + ")");
        c.out().println("secret (shown once): " + k.secret());
    }
}
