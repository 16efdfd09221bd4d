package dev.modelforge.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Finds s3proxy's fat jar. It runs as a child JVM because its Jetty/jclouds dependencies would
 * clash with Quarkus on one classpath.
 */
final class S3ProxyJar {

    static final String PROPERTY = "modelforge.s3proxy.jar";
    private static final String BUILD_COPY = "local-stack/target/s3proxy/s3proxy.jar";

    private S3ProxyJar() {
    }

    static Path locate() {
        List<Path> candidates = candidates();
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("s3proxy jar not found; looked at " + candidates
                + ". Build the module once (mvn -B -pl local-stack -am install -DskipTests)"
                + " or pass -D" + PROPERTY + "=/path/to/s3proxy-jar-with-dependencies.jar");
    }

    static List<Path> candidates() {
        Set<Path> paths = new LinkedHashSet<>();
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            paths.add(Path.of(explicit));
        }
        codeSourceSibling().ifPresent(paths::add);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            paths.add(dir.resolve(BUILD_COPY));
            if (dir.getFileName() != null && dir.getFileName().toString().equals("local-stack")) {
                paths.add(dir.resolve("target/s3proxy/s3proxy.jar"));
            }
        }
        String version = version();
        String repo = System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository");
        paths.add(Path.of(repo, "org/gaul/s3proxy", version, "s3proxy-" + version + "-jar-with-dependencies.jar"));
        return new ArrayList<>(paths);
    }

    /** When running from local-stack/target/classes, the build copy sits next to it. */
    private static java.util.Optional<Path> codeSourceSibling() {
        try {
            var source = S3ProxyJar.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return java.util.Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            Path target = location.getParent();
            return target == null ? java.util.Optional.empty()
                    : java.util.Optional.of(target.resolve("s3proxy/s3proxy.jar"));
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return java.util.Optional.empty();
        }
    }

    /** The version the build pinned, filtered into a resource so it never drifts from the pom. */
    static String version() {
        try (InputStream in = S3ProxyJar.class.getResourceAsStream("s3proxy.properties")) {
            if (in == null) {
                throw new IllegalStateException("s3proxy.properties missing from the local-stack jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
