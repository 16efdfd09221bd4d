package dev.modelforge.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Binds a manifest to the typed Kubernetes model and reports every field the model
 * does not know (fabric8 keeps those in {@code additionalProperties} instead of failing),
 * so a misspelt {@code readinesProbe} is caught without a cluster.
 */
final class StrictBinding {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

    private StrictBinding() {
    }

    /** True when the kind is part of the typed model (custom resources are checked by hand). */
    static boolean known(JsonNode doc) {
        return KINDS.containsKey(key(doc));
    }

    static HasMetadata bind(JsonNode doc, List<String> problems) {
        String where = key(doc) + " " + doc.path("metadata").path("name").asText();
        try {
            HasMetadata typed = JSON.treeToValue(doc, KINDS.get(key(doc)));
            unknownFields(typed, where, problems);
            return typed;
        } catch (Exception e) {
            problems.add(where + ": does not bind to the Kubernetes model: " + e.getMessage());
            return null;
        }
    }

    private static String key(JsonNode doc) {
        return doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
    }

    private static void unknownFields(Object o, String path, List<String> problems) throws ReflectiveOperationException {
        if (o == null || !o.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            if (o instanceof Collection<?> c) {
                int i = 0;
                for (Object e : c) {
                    unknownFields(e, path + "[" + i++ + "]", problems);
                }
            }
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + m.getName().substring(3), problems);
            }
        }
    }
}
