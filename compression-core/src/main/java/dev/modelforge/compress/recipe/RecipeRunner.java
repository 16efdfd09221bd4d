package dev.modelforge.compress.recipe;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.InvalidParamException;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.pass.PassReport;
import dev.modelforge.compress.pass.PassResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link Recipe} against a {@link PassRegistry} and runs its passes in order, each on the
 * previous one's output. Validation of the final model is the caller's next step (see
 * {@link dev.modelforge.compress.Compressor}).
 */
public final class RecipeRunner {
    private final PassRegistry registry;

    public RecipeRunner(PassRegistry registry) {
        this.registry = registry;
    }

    /** A pass instance with its validated parameters. */
    public record ResolvedStep(Pass pass, PassParams params) {
    }

    /** The model after the last pass and one report per pass. */
    public record Outcome(Model model, List<PassReport> reports) {
    }

    /**
     * Resolves every step: the pass exists, every parameter is declared and well-typed.
     *
     * @throws RecipeException naming the pass/parameter and listing the valid ones
     */
    public List<ResolvedStep> resolve(Recipe recipe) throws RecipeException {
        List<ResolvedStep> out = new ArrayList<>();
        for (RecipeStep step : recipe.steps()) {
            Pass pass = registry.create(step.pass()).orElseThrow(() -> new RecipeException(
                    "unknown pass '" + step.pass() + "'; available passes: " + String.join(", ", registry.names())));
            try {
                out.add(new ResolvedStep(pass, PassParams.resolve(pass, step.params())));
            } catch (InvalidParamException e) {
                throw new RecipeException(e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * The recipe with every parameter typed and defaulted: the form to store and hash, so that
     * {@code {}} and the explicit defaults identify the same variant.
     */
    public Recipe canonical(Recipe recipe) throws RecipeException {
        List<RecipeStep> steps = new ArrayList<>();
        for (ResolvedStep s : resolve(recipe)) {
            steps.add(new RecipeStep(s.pass().name(), s.params().asMap()));
        }
        return new Recipe(steps);
    }

    /**
     * Runs the recipe.
     *
     * @param base data, progress and threads shared by all steps (its params are replaced per step)
     * @throws RecipeException if the recipe does not resolve
     * @throws PassException   if a pass refuses (or has nothing to do)
     */
    public Outcome run(Model in, Recipe recipe, PassContext base) throws RecipeException, PassException {
        List<ResolvedStep> steps = resolve(recipe);
        Model current = in;
        List<PassReport> reports = new ArrayList<>();
        for (ResolvedStep s : steps) {
            PassResult r = s.pass().apply(current, base.withParams(s.params()));
            current = r.model();
            reports.add(r.report());
        }
        return new Outcome(current, reports);
    }
}
