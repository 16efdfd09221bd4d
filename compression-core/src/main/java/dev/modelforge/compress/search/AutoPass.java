package dev.modelforge.compress.search;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.ParamSpec;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassResult;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code auto} recipe's declaration: its name and parameters, so that recipes naming it are
 * checked (unknown or ill-typed parameters) and canonicalised like any other pass.
 *
 * <p>It is not an ordinary pass: the search needs the float model's file and an evaluation set with
 * labels, which a {@link PassContext} does not carry, so {@link dev.modelforge.compress.Compressor}
 * runs {@link AutoSearch} itself when a recipe consists of this one step. {@link #apply} therefore
 * refuses, which only happens when someone chains {@code auto} with other passes by hand.
 */
public final class AutoPass implements Pass {
    /** The recipe name. */
    public static final String NAME = "auto";
    /** Parameter: largest allowed top-1 drop vs float, in points. */
    public static final String MAX_DROP = "maxAccuracyDropPoints";
    /** Parameter: {@code latency} or {@code size}. */
    public static final String OBJECTIVE = "objective";
    /** Parameter: wall-clock limit of the search, in seconds. */
    public static final String TIME_BUDGET = "timeBudgetSeconds";

    private static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.number(MAX_DROP, 0.5, 0, 100, "largest allowed top-1 accuracy drop vs float, in points"),
            ParamSpec.choice(OBJECTIVE, "latency", List.of("latency", "size"),
                    "what to minimise among candidates within the accuracy budget"),
            ParamSpec.number(TIME_BUDGET, 120, 0.001, 86_400,
                    "wall-clock limit of the search; it returns its best so far when it runs out"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "accuracy-aware search over int8 quantization and structured pruning (needs an evaluation set)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMS;
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        throw new PassException(NAME, "the auto recipe searches over whole recipes: it must be the only step of a recipe "
                + "and runs through the Compressor (it needs an evaluation set)");
    }

    /** The search inputs these (validated) parameters describe. */
    public static Settings settings(PassParams p) {
        return new Settings(p.number(MAX_DROP), Objective.valueOf(p.string(OBJECTIVE).toUpperCase(Locale.ROOT)),
                Duration.ofNanos(Math.round(p.number(TIME_BUDGET) * 1e9)));
    }

    /**
     * The {@code auto} parameters as search inputs.
     *
     * @param maxDropPoints accuracy budget in points
     * @param objective     what to minimise
     * @param timeBudget    wall-clock limit
     */
    public record Settings(double maxDropPoints, Objective objective, Duration timeBudget) {
    }
}
