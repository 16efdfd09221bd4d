package dev.modelforge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the subset of Kustomize our manifests use (resources, namespace, images,
 * inline JSON 6902 patches with a target), so the test sees what a cluster would get.
 * Anything else in a kustomization.yaml is refused rather than silently ignored.
 */
final class Kustomization {

    static final ObjectMapper YAML = new YAMLMapper();

    private Kustomization() {
    }

    static List<ObjectNode> render(Path dir) {
        JsonNode k = readSingle(dir.resolve("kustomization.yaml"));
        k.fieldNames().forEachRemaining(field -> {
            if (!List.of("apiVersion", "kind", "resources", "namespace", "images", "patches", "labels").contains(field)) {
                throw new IllegalStateException(dir + ": kustomization field '" + field + "' is not understood by this check");
            }
        });
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode resource : k.path("resources")) {
            Path p = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(render(p));
            } else if (Files.isRegularFile(p)) {
                out.addAll(readAll(p));
            } else {
                throw new IllegalStateException(dir + ": resource " + resource.asText() + " does not exist");
            }
        }
        for (JsonNode patch : k.path("patches")) {
            String kind = patch.path("target").path("kind").asText();
            String name = patch.path("target").path("name").asText();
            ObjectNode target = out.stream()
                    .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(dir + ": patch targets missing " + kind + "/" + name));
            JsonNode ops = parse(patch.path("patch").asText());
            for (JsonNode op : ops) {
                JsonPatch.apply(target, op);
            }
        }
        for (JsonNode image : k.path("images")) {
            String name = image.path("name").asText();
            String tag = image.path("newTag").asText();
            int rewritten = 0;
            for (ObjectNode o : out) {
                for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
                    String ref = c.path("image").asText();
                    if (ref.equals(name) || ref.startsWith(name + ":")) {
                        ((ObjectNode) c).put("image", name + ":" + tag);
                        rewritten++;
                    }
                }
            }
            if (rewritten == 0) {
                throw new IllegalStateException(dir + ": image override " + name + " matches no container");
            }
        }
        if (k.has("namespace")) {
            out.forEach(o -> ((ObjectNode) o.path("metadata")).put("namespace", k.get("namespace").asText()));
        }
        return out;
    }

    static List<ObjectNode> readAll(Path file) {
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            List<ObjectNode> docs = new ArrayList<>();
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new IllegalStateException(file + ": a document is not a mapping");
                }
                docs.add((ObjectNode) doc);
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": not valid YAML", e);
        }
    }

    private static JsonNode readSingle(Path file) {
        List<ObjectNode> docs = readAll(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + ": expected one document, found " + docs.size());
        }
        return docs.get(0);
    }

    private static JsonNode parse(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("patch is not valid YAML", e);
        }
    }
}
