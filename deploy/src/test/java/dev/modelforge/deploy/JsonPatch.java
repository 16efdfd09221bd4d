package dev.modelforge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The add / replace / remove operations of RFC 6902, strict: replace and remove fail on
 * a path that does not exist, which is exactly the mistake an overlay makes after a
 * base is renamed.
 */
final class JsonPatch {

    private JsonPatch() {
    }

    static void apply(ObjectNode doc, JsonNode op) {
        String kind = op.path("op").asText();
        String[] tokens = op.path("path").asText().substring(1).split("/");
        JsonNode parent = doc;
        for (int i = 0; i < tokens.length - 1; i++) {
            parent = child(parent, unescape(tokens[i]), op);
        }
        String last = unescape(tokens[tokens.length - 1]);
        switch (kind) {
            case "add" -> set(parent, last, op.get("value"), false, op);
            case "replace" -> set(parent, last, op.get("value"), true, op);
            case "remove" -> remove(parent, last, op);
            default -> throw new IllegalStateException("unsupported patch op " + kind);
        }
    }

    private static JsonNode child(JsonNode node, String token, JsonNode op) {
        JsonNode next = node.isArray() ? node.get(Integer.parseInt(token)) : node.get(token);
        if (next == null) {
            throw new IllegalStateException("patch path does not exist: " + op.path("path").asText());
        }
        return next;
    }

    private static void set(JsonNode parent, String key, JsonNode value, boolean mustExist, JsonNode op) {
        if (parent instanceof ObjectNode o) {
            if (mustExist && !o.has(key)) {
                throw new IllegalStateException("replace of a missing path: " + op.path("path").asText());
            }
            o.set(key, value);
        } else if (parent instanceof ArrayNode a) {
            if (key.equals("-")) {
                a.add(value);
            } else if (mustExist) {
                a.set(Integer.parseInt(key), value);
            } else {
                a.insert(Integer.parseInt(key), value);
            }
        } else {
            throw new IllegalStateException("patch path crosses a scalar: " + op.path("path").asText());
        }
    }

    private static void remove(JsonNode parent, String key, JsonNode op) {
        JsonNode removed = parent instanceof ObjectNode o ? o.remove(key)
                : parent instanceof ArrayNode a ? a.remove(Integer.parseInt(key)) : null;
        if (removed == null) {
            throw new IllegalStateException("remove of a missing path: " + op.path("path").asText());
        }
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
