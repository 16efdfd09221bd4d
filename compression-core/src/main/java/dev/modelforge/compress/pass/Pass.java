package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.Model;

import java.util.List;

/**
 * One compilation step: a pure function from a model to a new model plus a report of what it did.
 *
 * <p>Contract: {@code apply} never mutates {@code in} (work on {@link Model#copy()}); it is
 * deterministic (same input, same params → same output bytes); ops it does not support stay as they
 * are and appear in the report; when it has nothing to change it throws
 * {@link NothingToDoException}, and when it cannot handle the model at all (e.g. the opset is too
 * old to upgrade safely) it throws {@link PassException} with the reason.
 *
 * <p>Implementations need a public no-argument constructor and a line in
 * {@code META-INF/services/dev.modelforge.compress.pass.Pass} to appear in {@link PassRegistry}.
 */
public interface Pass {
    /** The recipe name, e.g. {@code int8-dynamic}. Lower-case, dash-separated. */
    String name();

    /** One sentence for {@code --help} and error messages. */
    String description();

    /** The parameters this pass accepts, with defaults; a recipe may set only these. */
    List<ParamSpec> parameters();

    /**
     * Runs the pass.
     *
     * @param in  the input model (not modified)
     * @param ctx resolved parameters, data and progress sink
     * @return the new model and the report
     * @throws NothingToDoException when the model has nothing this pass would change
     * @throws PassException        when the pass refuses the model (reason in the message)
     */
    PassResult apply(Model in, PassContext ctx) throws PassException;
}
