package dev.modelforge.cli;

import dev.modelforge.api.client.NotARegistryException;
import dev.modelforge.api.client.RegistryClientException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Map;

/**
 * One exit code per class of failure, so a pipeline step can react (retry on 10, fix the key on 11, …) without
 * parsing messages. One table for the whole CLI: 2-4 are also what {@code compress} returns. Main's
 * {@code exitCodeList} prints them in {@code --help}; the README documents them.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = Main.EXIT_FAILURE;
    static final int USAGE = Main.EXIT_USAGE;
    /** compress: the recipe refused the model (nothing to quantize, already quantized, …). */
    static final int COMPRESS_REFUSED = dev.modelforge.compress.cli.CompressCommand.EXIT_REFUSED;
    /** compress: the compressed model failed validation. */
    static final int COMPRESS_VALIDATION_FAILED = dev.modelforge.compress.cli.CompressCommand.EXIT_VALIDATION_FAILED;
    static final int NOT_FOUND = 5;
    static final int REJECTED = 6;
    static final int PIPELINE_FAILED = 7;
    static final int TIMEOUT = 8;
    static final int CHECKSUM = 9;
    static final int UNREACHABLE = 10;
    static final int AUTH = 11;

    /** The least role each command needs, to say which role a 403 asks for. */
    private static final Map<String, String> ROLES = Map.ofEntries(
            Map.entry("upload", "uploader"), Map.entry("promote", "promoter"), Map.entry("rollback", "promoter"),
            Map.entry("approve", "promoter"), Map.entry("reject", "promoter"), Map.entry("apply", "admin"),
            Map.entry("delete", "admin"), Map.entry("create", "admin"),
            Map.entry("revoke", "admin"), Map.entry("rotate", "admin"), Map.entry("keys", "admin"));

    private ExitCodes() {
    }

    /** A failure the CLI detected itself (pipeline failed, timeout, checksum) with its exit code. */
    static final class CliFailure extends RuntimeException {
        private final int exitCode;

        CliFailure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    static int of(Exception e) {
        if (e instanceof CliFailure f) {
            return f.exitCode();
        }
        if (e instanceof NotARegistryException) {
            return UNREACHABLE;
        }
        if (e instanceof RegistryClientException r) {
            return ofStatus(r.status());
        }
        if (e instanceof IllegalArgumentException || e instanceof java.nio.file.NoSuchFileException) {
            return USAGE;
        }
        return FAILURE;
    }

    static int ofStatus(int status) {
        if (status == 0) {
            return UNREACHABLE;
        }
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status == 404) {
            return NOT_FOUND;
        }
        if (status >= 400 && status < 500) {
            return REJECTED;
        }
        return FAILURE;
    }

    /** A message a person can act on; {@code command} is the subcommand's name (for the role of a 403). */
    static String message(Exception e, String command) {
        if (e instanceof NotARegistryException) {
            return e.getMessage() + " — is --url (or MODELFORGE_URL) the registry's base URL, e.g."
                    + " http://localhost:8080?";
        }
        if (e instanceof RegistryClientException r) {
            if (r.status() == 0 && unreachable(r)) {
                String url = r.getMessage().replaceFirst("^cannot reach the registry at (\\S+).*$", "$1");
                return "cannot reach the registry at " + url + " — is it running? try ./modelforge up"
                        + " (or point --url / MODELFORGE_URL at it)";
            }
            if (r.status() == 0 && r.getCause() instanceof java.net.http.HttpTimeoutException) {
                return r.getMessage() + " (wait longer with --request-timeout, e.g. --request-timeout 5m)";
            }
            if (r.status() == 0 && r.getCause() instanceof java.io.IOException) {
                return r.getMessage() + " — is the registry running there? (--url / MODELFORGE_URL)";
            }
            if (r.status() == 401) {
                return "the registry did not accept the API key (401" + detail(r) + "); pass --api-key or set"
                        + " MODELFORGE_API_KEY (./modelforge up writes an admin key to .modelforge/admin-key)";
            }
            if (r.status() == 403) {
                String role = ROLES.getOrDefault(command, "reader");
                return "the API key's role may not do this (403): '" + command + "' needs a key with role '" + role
                        + "' or higher" + detail(r);
            }
        }
        return Main.message(e);
    }

    private static boolean unreachable(RegistryClientException r) {
        for (Throwable t = r.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return r.getMessage().startsWith("cannot reach");
    }

    private static String detail(RegistryClientException r) {
        return r.problem() != null && r.problem().detail() != null ? ": " + r.problem().detail() : "";
    }
}
