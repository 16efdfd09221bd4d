package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the registry is and which key to use, for every command that talks to it. Each value comes from
 * the flag, else the environment ({@code MODELFORGE_URL}, {@code MODELFORGE_API_KEY}), else the files
 * {@code ./modelforge up} writes ({@code .modelforge/registry-url}, {@code .modelforge/admin-key}) in the
 * current directory or the nearest parent that has them.
 */
public final class RegistryOptions {
    static final String URL_ENV = "MODELFORGE_URL";
    static final String KEY_ENV = "MODELFORGE_API_KEY";

    @Option(names = "--url", paramLabel = "URL", description = "Registry base URL (env MODELFORGE_URL).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key (env MODELFORGE_API_KEY).")
    String apiKey;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class, description = "Give up on a registry call that has not been answered"
            + " within this time (uploads excepted: they are answered once the whole file is in), e.g. 30s, 2m"
            + " (default: ${DEFAULT-VALUE}).")
    java.time.Duration requestTimeout = java.time.Duration.ofSeconds(60);

    /** A client for the resolved registry. */
    public RegistryClient client() {
        return client(Path.of("").toAbsolutePath(), System.getenv());
    }

    RegistryClient client(Path cwd, Map<String, String> env) {
        String u = firstNonBlank(url, env.get(URL_ENV), fromDotDir(cwd, "registry-url"));
        if (u == null) {
            throw new IllegalArgumentException("no registry URL: pass --url, set " + URL_ENV
                    + ", or run './modelforge up' (it writes .modelforge/registry-url)");
        }
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("registry URL '" + u + "' is not a URL");
        }
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
            throw new IllegalArgumentException("registry URL '" + u + "' must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("registry URL '" + u + "' has no host; use e.g. http://localhost:8080");
        }
        return new RegistryClient(uri, firstNonBlank(apiKey, env.get(KEY_ENV), fromDotDir(cwd, "admin-key")))
                .withRequestTimeout(requestTimeout);
    }

    static String fromDotDir(Path start, String name) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path file = dir.resolve(".modelforge").resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    String value = Files.readString(file).trim();
                    return value.isEmpty() ? null : value;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return null;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
