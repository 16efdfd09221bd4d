package dev.modelforge.registry.profile;

import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.Hardware;
import dev.modelforge.api.profile.IsaFeature;
import dev.modelforge.api.profile.KnownRecipes;
import dev.modelforge.api.profile.Limits;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.profile.RuntimeSettings;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a device profile before it is stored. Collects every problem instead of stopping at the first, so one
 * 422 tells the admin everything to fix.
 */
final class ProfileValidator {

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-_.]{0,63}");
    private static final Set<String> ARCHES = Set.of("x86_64", "arm64");
    private static final Set<String> PROVIDERS = Set.of("cpu", "cuda", "tensorrt", "coreml", "nnapi", "xnnpack");
    private static final Set<String> OPT_LEVELS = Set.of("disabled", "basic", "extended", "all");

    private ProfileValidator() {
    }

    static List<String> problems(String pathName, DeviceProfile p) {
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(pathName).matches()) {
            problems.add("name '" + pathName + "' must match " + NAME.pattern());
        }
        if (p.name() != null && !p.name().equals(pathName)) {
            problems.add("body name '" + p.name() + "' differs from the path name '" + pathName + "'");
        }
        hardware(p.hardware(), problems);
        runtime(p.runtime(), problems);
        limits(p.limits(), problems);
        Set<String> seen = new HashSet<>();
        for (RecipeRef recipe : p.recipes()) {
            problems.addAll(KnownRecipes.problems(recipe));
            if (!seen.add(recipe.canonicalJson())) {
                problems.add("recipe '" + recipe.label() + "' is listed twice with the same parameters");
            }
        }
        if (p.policy() != null && !p.policy().isNull() && !p.policy().isObject()) {
            problems.add("policy must be a JSON object");
        }
        problems.addAll(dev.modelforge.registry.promotion.Policies.problems(p.policy()));
        return problems;
    }

    private static void hardware(Hardware h, List<String> problems) {
        if (h == null) {
            problems.add("hardware is required (arch, cores, memoryMb, isaFeatures)");
            return;
        }
        if (h.arch() == null || !ARCHES.contains(h.arch())) {
            problems.add("hardware.arch must be one of " + ARCHES + ", got '" + h.arch() + "'");
        }
        positive("hardware.cores", h.cores(), problems);
        positive("hardware.memoryMb", h.memoryMb(), problems);
        for (String feature : h.isaFeatures()) {
            if (feature == null || IsaFeature.fromWireName(feature).isEmpty()) {
                problems.add("unknown ISA feature '" + feature + "' (known: "
                        + String.join(", ", java.util.Arrays.stream(IsaFeature.values()).map(IsaFeature::wireName).toList()) + ")");
            }
        }
    }

    private static void runtime(RuntimeSettings r, List<String> problems) {
        if (r == null) {
            return;
        }
        if (r.executionProvider() != null && !PROVIDERS.contains(r.executionProvider())) {
            problems.add("runtime.executionProvider must be one of " + PROVIDERS);
        }
        positive("runtime.intraOpThreads", r.intraOpThreads(), problems);
        positive("runtime.interOpThreads", r.interOpThreads(), problems);
        if (r.graphOptimizationLevel() != null && !OPT_LEVELS.contains(r.graphOptimizationLevel())) {
            problems.add("runtime.graphOptimizationLevel must be one of " + OPT_LEVELS);
        }
    }

    private static void limits(Limits l, List<String> problems) {
        if (l == null) {
            return;
        }
        positive("limits.maxSizeMb", l.maxSizeMb(), problems);
        positive("limits.maxP95LatencyMillis", l.maxP95LatencyMillis(), problems);
        positive("limits.maxMemoryMb", l.maxMemoryMb(), problems);
    }

    private static void positive(String field, Number value, List<String> problems) {
        if (value != null && !(value.doubleValue() > 0)) {
            problems.add(field + " must be positive, got " + value);
        }
    }
}
