package dev.modelforge.compress.search;

import dev.modelforge.onnx.ScratchDirs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.pass.prune.PruneData;
import dev.modelforge.compress.pass.prune.StructuredPruner;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeException;
import dev.modelforge.compress.recipe.RecipeRunner;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.search.SearchOutcome.Candidate;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.ValidationResult;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code auto} recipe: an accuracy-aware search over int8 quantization (which layers stay
 * float) and structured pruning (which groups are pruned, how much). It measures each layer's /
 * group's sensitivity alone, keeps the most sensitive ones float or unpruned until the budget holds,
 * combines the best pruning with the best quantization, and picks the winner by the objective (latency
 * measured paired in ORT). It always returns a variant — the one with the smallest drop when none
 * meets the budget, with a diagnosis — and stops at the time budget with its best so far.
 */
public final class AutoSearch {
    private static final double[] PRUNE_RATIOS = {0.5, 0.3};
    private final SearchSpec spec;
    private final RecipeRunner runner = new RecipeRunner(PassRegistry.discover());
    private final Map<String, Double> sensitivity = new LinkedHashMap<>();
    private final List<String> decisions = new ArrayList<>();
    private final List<Candidate> candidates = new ArrayList<>();
    private final Map<Candidate, Model> models = new LinkedHashMap<>();
    private long deadline;
    private boolean timedOut;
    private Path floatFile;
    private Model floatModel;
    private EvalDataset eval;
    private Path work;
    private double floatAccuracy;

    public AutoSearch(SearchSpec spec) {
        this.spec = spec;
    }

    /** Runs the search on {@code floatFile}. */
    public SearchOutcome run(Path floatFile) throws IOException {
        long start = System.nanoTime();
        deadline = start + spec.timeBudget().toNanos();
        this.floatFile = floatFile;
        floatModel = ModelFiles.read(floatFile);
        eval = EvalDataset.load(spec.eval(), ModelSignature.of(floatModel.toProto()));
        if (eval.labels().isEmpty()) {
            throw new IllegalArgumentException("the auto search needs labels in the evaluation set " + spec.eval());
        }
        work = ScratchDirs.createDirectory(null, "modelforge-auto-");
        sensitivity.putAll(spec.previous()); // carried forward so the next version can warm-start again
        ValidationResult base = validate(floatFile);
        floatAccuracy = base.metrics().accuracy();
        decisions.add(String.format(Locale.ROOT, "float top-1 %.4f; budget %.2f pt; objective %s", floatAccuracy,
                spec.maxDropPoints(), spec.objective()));
        long singlesStart = System.nanoTime();
        singleRecipes();
        // The bar is on this phase (all single candidates within 90 s on a ~13 MB transformer): say how long.
        decisions.add(String.format(Locale.ROOT, "single recipes built, validated and timed in %.1f s",
                (System.nanoTime() - singlesStart) / 1e9));
        searchQuantization();
        Optional<Candidate> bestPrune = searchPruning();
        Optional<Candidate> bestQuant = best(c -> c.label().startsWith("int8"));
        if (bestPrune.isPresent() && bestQuant.isPresent() && !outOfTime()) {
            List<RecipeStep> steps = new ArrayList<>(bestPrune.get().recipe().steps());
            steps.addAll(bestQuant.get().recipe().steps());
            evaluate("prune+" + bestQuant.get().label(), new Recipe(steps));
        }
        return choose(start);
    }

    private Optional<Candidate> best(java.util.function.Predicate<Candidate> which) {
        return candidates.stream().filter(which).filter(Candidate::withinBudget)
                .min(Comparator.comparingLong(Candidate::sizeBytes));
    }

    /**
     * The built-in single recipes first, each measured for latency as soon as it is built: whatever the mixes
     * below find (or fail to find before the time budget), the choice is never worse than the best of these.
     */
    private void singleRecipes() {
        List<String> singles = new ArrayList<>(List.of("int8-dynamic"));
        if (spec.calibration() != null) {
            singles.add("int8-static");
        }
        singles.addAll(List.of("int4-weight-only", "fp16"));
        List<Recipe> recipes = new ArrayList<>(singles.stream()
                .map(p -> new Recipe(List.of(new RecipeStep(p, Map.of())))).toList());
        if (spec.calibration() != null && floatModel.graph().opHistogram().containsKey("MaxPool")) {
            // behind a MaxPool not shown non-negative, float compute or ORT's uint8 pool: measured, not assumed
            singles.add("int8-static unprovenPool=quantize");
            recipes.add(new Recipe(List.of(new RecipeStep("int8-static", Map.of("unprovenPool", "quantize")))));
        }
        for (int i = 0; i < singles.size(); i++) {
            evaluate(singles.get(i), recipes.get(i)).ifPresent(c -> {
                if (spec.objective() == Objective.LATENCY && c.withinBudget()) {
                    measureLatency(c);
                }
            });
        }
    }

    /** Replaces {@code c} by a copy carrying its paired latency ratio vs float (NaN when it cannot run). */
    private Candidate measureLatency(Candidate c) {
        double ratio = Double.NaN;
        try {
            Path f = work.resolve("lat.onnx");
            ModelFiles.write(models.get(c), f);
            ratio = PairedLatency.ratio(floatFile, f, eval, spec.latencyBatch(), 20, spec.threads());
        } catch (Exception e) {
            decisions.add("latency of " + c.label() + " not measured: " + e.getMessage());
        }
        Candidate m = new Candidate(c.label(), c.recipe(), c.accuracy(), c.dropPoints(), ratio, c.sizeBytes(),
                c.withinBudget());
        int i = candidates.indexOf(c);
        if (i >= 0) {
            candidates.set(i, m);
        }
        models.put(m, models.remove(c));
        return m;
    }

    private void searchQuantization() {
        boolean haveCalib = spec.calibration() != null;
        String pass = haveCalib ? "int8-static" : "int8-dynamic";
        List<String> layers = new ArrayList<>();
        for (Node n : floatModel.graph().nodes()) {
            if ((n.is("Conv") || n.is("Gemm") || n.is("MatMul")) && floatModel.graph().isInitializer(n.input(1))
                    && (haveCalib || !n.is("Conv"))) {
                layers.add(n.name());
            }
        }
        Optional<Candidate> full = evaluate(pass, recipeExcluding(pass, List.of()));
        if (full.isEmpty()) {
            decisions.add(pass + " does not apply");
            return;
        }
        // measured even when the full model is within budget: the map answers "which layer costs what"
        // for this version and lets the next version start from it
        for (String layer : layers) {
            if (outOfTime()) {
                return;
            }
            String key = "quant:" + layer;
            Double prev = spec.previous().get(key);
            if (prev != null) {
                sensitivity.put(key, prev);
                continue;
            }
            List<String> others = layers.stream().filter(l -> !l.equals(layer)).toList();
            Optional<Candidate> c = evaluate("sensitivity " + key, recipeExcluding(pass, others), false);
            c.ifPresent(x -> sensitivity.put(key, x.dropPoints()));
        }
        if (full.get().withinBudget()) {
            decisions.add(pass + " on every layer is within budget");
            return;
        }
        List<String> order = layers.stream().filter(l -> sensitivity.containsKey("quant:" + l))
                .sorted(Comparator.comparingDouble((String l) -> -sensitivity.get("quant:" + l))).toList();
        List<String> keptFloat = new ArrayList<>();
        for (String layer : order) {
            if (outOfTime()) {
                return;
            }
            keptFloat.add(layer);
            decisions.add(String.format(Locale.ROOT, "keep %s float (quantizing it alone costs %.2f pt)", layer,
                    sensitivity.get("quant:" + layer)));
            Optional<Candidate> c = evaluate(pass + " minus " + keptFloat.size(), recipeExcluding(pass, keptFloat));
            if (c.isPresent() && c.get().withinBudget()) {
                return;
            }
        }
    }

    private Recipe recipeExcluding(String pass, List<String> exclude) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (!exclude.isEmpty()) {
            params.put("excludeNodes", List.copyOf(exclude));
        }
        return new Recipe(List.of(new RecipeStep(pass, params)));
    }

    private Optional<Candidate> searchPruning() {
        List<StructuredPruner.Group> groups;
        try {
            EvalDataset probe = spec.calibration() != null ? EvalDataset.load(spec.calibration(),
                    ModelSignature.of(floatModel.toProto())) : PruneData.synthetic(floatModel);
            groups = StructuredPruner.groups(floatModel, probe, spec.threads()).stream()
                    .filter(g -> g.reason().equals("left alone: ratio 0")).toList(); // blocked groups give other reasons
        } catch (Exception e) {
            decisions.add("structured pruning not applicable: " + e.getMessage());
            return Optional.empty();
        }
        if (groups.isEmpty()) {
            decisions.add("structured pruning: no prunable dependency group");
            return Optional.empty();
        }
        for (double ratio : PRUNE_RATIOS) {
            if (outOfTime()) {
                break;
            }
            Optional<Candidate> all = evaluate("prune " + ratio, pruneRecipe(ratio, List.of()));
            if (all.isPresent() && all.get().withinBudget()) {
                decisions.add("structured pruning " + ratio + " of every group is within budget");
                return all;
            }
            for (StructuredPruner.Group g : groups) {
                String key = "prune" + ratio + ":" + g.name();
                if (outOfTime()) {
                    break;
                }
                Double prev = spec.previous().get(key);
                if (prev != null) {
                    sensitivity.put(key, prev);
                    continue;
                }
                List<String> others = groups.stream().map(StructuredPruner.Group::name).filter(x -> !x.equals(g.name()))
                        .toList();
                evaluate("sensitivity " + key, pruneRecipe(ratio, others), false)
                        .ifPresent(c -> sensitivity.put(key, c.dropPoints()));
            }
            List<String> order = groups.stream().map(StructuredPruner.Group::name)
                    .filter(n -> sensitivity.containsKey("prune" + ratio + ":" + n))
                    .sorted(Comparator.comparingDouble((String n) -> -sensitivity.get("prune" + ratio + ":" + n)))
                    .toList();
            List<String> spared = new ArrayList<>();
            for (String name : order.subList(0, Math.max(0, order.size() - 1))) {
                if (outOfTime()) {
                    break;
                }
                spared.add(name);
                decisions.add(String.format(Locale.ROOT, "leave group %s unpruned at ratio %.2f (%.2f pt alone)", name,
                        ratio, sensitivity.get("prune" + ratio + ":" + name)));
                Optional<Candidate> c = evaluate("prune " + ratio + " sparing " + spared.size(),
                        pruneRecipe(ratio, spared));
                if (c.isPresent() && c.get().withinBudget()) {
                    return c;
                }
            }
        }
        return Optional.empty();
    }

    private Recipe pruneRecipe(double ratio, List<String> spare) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("ratio", ratio);
        if (!spare.isEmpty()) {
            params.put("groupRatios", spare.stream().map(s -> s + "=0").toList());
        }
        return new Recipe(List.of(new RecipeStep("prune-structured", params)));
    }

    private Optional<Candidate> evaluate(String label, Recipe recipe) {
        return evaluate(label, recipe, true);
    }

    /** Builds and validates a candidate; {@code keep} = a real candidate (not a sensitivity probe). */
    private Optional<Candidate> evaluate(String label, Recipe recipe, boolean keep) {
        Optional<Candidate> built = candidates.stream().filter(c -> c.label().equals(label)).findFirst();
        if (built.isPresent()) {
            return built; // e.g. int8-static on every layer: already built as a single recipe
        }
        if (outOfTime()) {
            return Optional.empty();
        }
        try {
            PassContext ctx = new PassContext(PassParams.none(), Optional.ofNullable(spec.calibration()),
                    ProgressListener.NONE, spec.threads(), work);
            Model m = runner.run(floatModel, recipe, ctx).model();
            Path file = work.resolve("c" + candidates.size() + "-" + System.nanoTime() + ".onnx");
            ModelFiles.write(m, file);
            ValidationResult r = validate(file);
            if (!r.passed()) {
                decisions.add(label + ": rejected, " + r.failure());
                return Optional.empty();
            }
            double drop = (floatAccuracy - r.metrics().accuracy()) * 100;
            Candidate c = new Candidate(label, recipe, r.metrics().accuracy(), drop, Double.NaN, Files.size(file),
                    drop <= spec.maxDropPoints() + 1e-9);
            if (keep) {
                candidates.add(c);
                models.put(c, m);
            }
            Files.deleteIfExists(file);
            return Optional.of(c);
        } catch (PassException | RecipeException e) {
            decisions.add(label + ": " + e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ValidationResult validate(Path file) {
        return new Validator(spec.threads(), 64, ValidationGate.loadAndRunOnly()).validate(file, floatFile, eval);
    }

    private boolean outOfTime() {
        if (System.nanoTime() > deadline) {
            if (!timedOut) {
                decisions.add("time budget reached: stopping with the best candidate so far");
            }
            timedOut = true;
        }
        return timedOut;
    }

    private SearchOutcome choose(long start) throws IOException {
        List<Candidate> within = candidates.stream().filter(Candidate::withinBudget).toList();
        List<Candidate> pool = within.isEmpty() ? candidates : within;
        List<Candidate> measured = new ArrayList<>();
        for (Candidate c : List.copyOf(pool)) {
            if (!Double.isNaN(c.latencyRatio()) || spec.objective() != Objective.LATENCY
                    || System.nanoTime() >= deadline) {
                measured.add(c); // the single recipes were measured when built
                continue;
            }
            measured.add(measureLatency(c));
        }
        Comparator<Candidate> byObjective = spec.objective() == Objective.LATENCY
                ? Comparator.comparingDouble((Candidate c) -> Double.isNaN(c.latencyRatio()) ? 1e9 : c.latencyRatio())
                .thenComparingLong(Candidate::sizeBytes)
                : Comparator.comparingLong(Candidate::sizeBytes);
        Comparator<Candidate> order = within.isEmpty() ? Comparator.comparingDouble(Candidate::dropPoints)
                .thenComparing(byObjective) : byObjective;
        Optional<Candidate> pick = measured.stream().min(order);
        String diagnosis = null;
        Model model;
        Candidate chosen;
        if (pick.isEmpty()) {
            chosen = new Candidate("float", new Recipe(List.of()), floatAccuracy, 0, 1.0, Files.size(floatFile), true);
            model = floatModel;
            diagnosis = "no compressed candidate could be built" + (timedOut ? " within the time budget" : "")
                    + "; returning the float model";
        } else {
            chosen = pick.get();
            model = models.get(chosen);
            if (within.isEmpty()) {
                diagnosis = String.format(Locale.ROOT, "no candidate meets the %.2f pt budget%s; the closest is '%s' "
                                + "at %.2f pt. Most sensitive: %s", spec.maxDropPoints(),
                        timedOut ? " (search cut short by the time budget)" : "", chosen.label(), chosen.dropPoints(),
                        topSensitive());
            } else if (spec.objective() == Objective.LATENCY && chosen.latencyRatio() >= 1.0) {
                diagnosis = String.format(Locale.ROOT, "within budget, but no candidate is measured faster than float "
                        + "(best %.2fx)", chosen.latencyRatio());
            }
        }
        decisions.add("chose '" + chosen.label() + "'");
        try (var s = Files.list(work)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(work);
        return new SearchOutcome(model, chosen.recipe(), chosen, pick.isPresent() && !within.isEmpty(), diagnosis,
                sensitivity, decisions, measured.isEmpty() ? candidates : merge(measured),
                (System.nanoTime() - start) / 1_000_000, timedOut);
    }

    private List<Candidate> merge(List<Candidate> measured) {
        List<Candidate> out = new ArrayList<>(measured);
        candidates.stream().filter(c -> measured.stream().noneMatch(m -> m.label().equals(c.label()))).forEach(out::add);
        return out;
    }

    private String topSensitive() {
        return sensitivity.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(3)
                .map(e -> String.format(Locale.ROOT, "%s (%.2f pt)", e.getKey(), e.getValue())).toList().toString();
    }

    /** The report without the model: sensitivity map, decisions, candidates, choice (JSON). */
    public static String toJson(SearchOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chosen", o.chosen());
        m.put("recipe", o.recipe().steps());
        m.put("budgetMet", o.budgetMet());
        m.put("diagnosis", o.diagnosis());
        m.put("timedOut", o.timedOut());
        m.put("elapsedMillis", o.elapsedMillis());
        m.put("sensitivity", o.sensitivity());
        m.put("decisions", o.decisions());
        m.put("candidates", o.candidates());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
