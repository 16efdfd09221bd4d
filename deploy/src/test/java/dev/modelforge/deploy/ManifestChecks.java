package dev.modelforge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a cluster would reject, or accept and then fail at run time: objects that do not
 * bind to the Kubernetes model, and references between objects that point nowhere
 * (config, secrets, selectors, ports, scale targets, in-cluster host names).
 */
final class ManifestChecks {

    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Set<String> CUSTOM_KINDS = Set.of("keda.sh/v1alpha1/ScaledObject");

    private final List<ObjectNode> docs;
    private final List<String> problems = new ArrayList<>();

    private ManifestChecks(List<ObjectNode> docs) {
        this.docs = docs;
    }

    static List<String> check(List<ObjectNode> docs) {
        ManifestChecks c = new ManifestChecks(docs);
        c.run();
        return c.problems;
    }

    private void run() {
        Set<String> seen = new HashSet<>();
        for (ObjectNode doc : docs) {
            String kind = doc.path("kind").asText();
            String name = doc.path("metadata").path("name").asText();
            if (!DNS_1123.matcher(name).matches() || name.length() > 63) {
                problems.add(kind + " '" + name + "': name is not a DNS-1123 label");
            }
            if (!seen.add(kind + "/" + name)) {
                problems.add(kind + " " + name + ": defined twice");
            }
            String apiKind = doc.path("apiVersion").asText() + "/" + kind;
            if (StrictBinding.known(doc)) {
                StrictBinding.bind(doc, problems);
            } else if (!CUSTOM_KINDS.contains(apiKind)) {
                problems.add(kind + " " + name + ": unexpected kind " + apiKind);
            }
        }
        named("Deployment").forEach(this::checkDeployment);
        named("Service").forEach(this::checkService);
        named("HorizontalPodAutoscaler").forEach(h -> checkScaleTarget(h, h.path("spec").path("scaleTargetRef")));
        named("ScaledObject").forEach(this::checkScaledObject);
        named("PodDisruptionBudget").forEach(p -> requireSelectedDeployment(p, p.path("spec").path("selector").path("matchLabels")));
        named("ConfigMap").forEach(this::checkHostsInConfig);
        Map<String, Long> scalers = docs.stream()
                .filter(d -> Set.of("HorizontalPodAutoscaler", "ScaledObject").contains(d.path("kind").asText()))
                .collect(Collectors.groupingBy(d -> d.path("spec").path("scaleTargetRef").path("name").asText(), Collectors.counting()));
        scalers.forEach((target, n) -> {
            if (n > 1) {
                problems.add("Deployment " + target + ": scaled by " + n + " autoscalers that would fight");
            }
        });
    }

    private void checkDeployment(JsonNode d) {
        String where = "Deployment " + name(d);
        JsonNode template = d.path("spec").path("template");
        if (!labelsMatch(d.path("spec").path("selector").path("matchLabels"), template.path("metadata").path("labels"))) {
            problems.add(where + ": selector does not match the pod template labels");
        }
        for (JsonNode c : template.path("spec").path("containers")) {
            String cw = where + " container " + c.path("name").asText();
            if (!c.path("image").asText().contains(":") || c.path("image").asText().endsWith(":")) {
                problems.add(cw + ": image has no tag");
            }
            Set<String> ports = new HashSet<>();
            c.path("ports").forEach(p -> {
                ports.add(p.path("name").asText());
                ports.add(p.path("containerPort").asText());
            });
            probe(cw, c.path("readinessProbe"), "/q/health/ready", ports);
            probe(cw, c.path("livenessProbe"), "/q/health/live", ports);
            if (c.path("resources").path("requests").isMissingNode()) {
                problems.add(cw + ": no resource requests");
            }
            for (JsonNode from : c.path("envFrom")) {
                refExists(cw, "ConfigMap", from.path("configMapRef").path("name"));
                refExists(cw, "Secret", from.path("secretRef").path("name"));
            }
        }
        if (name(d).startsWith("modelforge-benchmark-")) {
            String profile = template.path("metadata").path("labels").path("modelforge.dev/device-profile").asText();
            String env = envValue(template, "MODELFORGE_BENCHMARK_PROFILES");
            if (profile.isEmpty() || !profile.equals(env)) {
                problems.add(where + ": device-profile label '" + profile + "' and MODELFORGE_BENCHMARK_PROFILES '" + env + "' differ");
            }
            if (template.path("spec").path("nodeSelector").path("kubernetes.io/arch").isMissingNode()) {
                problems.add(where + ": a benchmark pool must be pinned to its hardware (nodeSelector kubernetes.io/arch)");
            }
        }
    }

    private void probe(String where, JsonNode probe, String path, Set<String> ports) {
        JsonNode http = probe.path("httpGet");
        if (!path.equals(http.path("path").asText())) {
            problems.add(where + ": probe should GET " + path + " but has '" + http.path("path").asText() + "'");
        } else if (!ports.contains(http.path("port").asText())) {
            problems.add(where + ": probe port " + http.path("port").asText() + " is not a container port");
        }
    }

    private void checkService(JsonNode s) {
        String where = "Service " + name(s);
        JsonNode spec = s.path("spec");
        if ("ExternalName".equals(spec.path("type").asText())) {
            if (spec.path("externalName").asText().isBlank()) {
                problems.add(where + ": ExternalName without externalName");
            }
            return;
        }
        JsonNode deployment = requireSelectedDeployment(s, spec.path("selector"));
        if (deployment == null) {
            return;
        }
        Set<String> ports = new HashSet<>();
        deployment.path("spec").path("template").path("spec").path("containers")
                .forEach(c -> c.path("ports").forEach(p -> {
                    ports.add(p.path("name").asText());
                    ports.add(p.path("containerPort").asText());
                }));
        for (JsonNode p : spec.path("ports")) {
            if (!ports.contains(p.path("targetPort").asText())) {
                problems.add(where + ": targetPort " + p.path("targetPort").asText() + " is not a port of " + name(deployment));
            }
        }
    }

    private void checkScaledObject(JsonNode so) {
        checkScaleTarget(so, so.path("spec").path("scaleTargetRef"));
        for (JsonNode t : so.path("spec").path("triggers")) {
            if ("kafka".equals(t.path("type").asText())) {
                serviceForHost("ScaledObject " + name(so), t.path("metadata").path("bootstrapServers").asText());
                if (t.path("metadata").path("consumerGroup").asText().isBlank()) {
                    problems.add("ScaledObject " + name(so) + ": kafka trigger without consumerGroup");
                }
            }
        }
    }

    private void checkScaleTarget(JsonNode scaler, JsonNode ref) {
        String target = ref.path("name").asText();
        if (docs.stream().noneMatch(d -> "Deployment".equals(d.path("kind").asText()) && target.equals(name(d)))) {
            problems.add(scaler.path("kind").asText() + " " + name(scaler) + ": scale target " + target + " does not exist");
        }
    }

    private void checkHostsInConfig(JsonNode cm) {
        cm.path("data").fields().forEachRemaining(e -> {
            String v = e.getValue().asText();
            if (e.getKey().endsWith("_DB_URL")) {
                serviceForHost("ConfigMap " + e.getKey(), URI.create(v.substring("jdbc:".length())).getHost());
            } else if (e.getKey().endsWith("_KAFKA_BOOTSTRAP")) {
                serviceForHost("ConfigMap " + e.getKey(), v);
            } else if (e.getKey().endsWith("_S3_ENDPOINT") || e.getKey().endsWith("_REGISTRY_URL")) {
                serviceForHost("ConfigMap " + e.getKey(), URI.create(v).getHost());
            }
        });
    }

    private void serviceForHost(String where, String hostPort) {
        String host = hostPort.split(":")[0];
        if (named("Service").noneMatch(s -> host.equals(name(s)))) {
            problems.add(where + ": host " + host + " is not a Service of these manifests");
        }
    }

    private JsonNode requireSelectedDeployment(JsonNode owner, JsonNode selector) {
        JsonNode match = named("Deployment")
                .filter(d -> labelsMatch(selector, d.path("spec").path("template").path("metadata").path("labels")))
                .findFirst().orElse(null);
        if (match == null || selector.isMissingNode() || selector.isEmpty()) {
            problems.add(owner.path("kind").asText() + " " + name(owner) + ": selector matches no Deployment");
            return null;
        }
        return match;
    }

    private void refExists(String where, String kind, JsonNode ref) {
        if (!ref.isMissingNode() && named(kind).noneMatch(d -> ref.asText().equals(name(d)))) {
            problems.add(where + ": " + kind + " " + ref.asText() + " does not exist");
        }
    }

    private static boolean labelsMatch(JsonNode selector, JsonNode labels) {
        Predicate<Map.Entry<String, JsonNode>> matches = e -> e.getValue().asText().equals(labels.path(e.getKey()).asText());
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        selector.fields().forEachRemaining(entries::add);
        return !entries.isEmpty() && entries.stream().allMatch(matches);
    }

    private static String envValue(JsonNode template, String name) {
        for (JsonNode c : template.path("spec").path("containers")) {
            for (JsonNode env : c.path("env")) {
                if (name.equals(env.path("name").asText())) {
                    return env.path("value").asText();
                }
            }
        }
        return "";
    }

    private java.util.stream.Stream<ObjectNode> named(String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()));
    }

    private static String name(JsonNode d) {
        return d.path("metadata").path("name").asText();
    }
}
