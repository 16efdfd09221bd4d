package dev.modelforge.compress;

import dev.modelforge.compress.pass.Audience;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.validate.InputHint;
import dev.modelforge.compress.validate.ValidationGate;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One compression job.
 *
 * @param input       the float model
 * @param output      where the compressed model goes (written only after validation passes)
 * @param recipe      passes to run
 * @param calibration calibration data for passes that need it
 * @param eval        evaluation data (.npz or ONNX test data); synthetic inputs when absent
 * @param threads     ONNX Runtime threads for validation and calibration
 * @param gate        validation limits (for {@code auto}, the search's own accuracy budget replaces them:
 *                    its best variant is written even when it misses the budget, with a diagnosis)
 * @param progress    progress sink
 * @param syntheticInputs shapes/values for named inputs when validating without eval data
 * @param warmStart   for the {@code auto} recipe: a previous run's report JSON whose sensitivity map
 *                    the search trusts instead of measuring again (other recipes refuse it)
 * @param audience    who reads refusals: the command line's user (flags, file names) or a registry user
 *                    (upload parts, profile params); CLI when null
 */
public record CompressionRequest(Path input, Path output, Recipe recipe, Optional<Path> calibration,
                                 Optional<Path> eval, int threads, ValidationGate gate, ProgressListener progress,
                                 Map<String, InputHint> syntheticInputs, Optional<Path> warmStart, Audience audience) {
    public CompressionRequest {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(recipe, "recipe");
        calibration = calibration == null ? Optional.empty() : calibration;
        eval = eval == null ? Optional.empty() : eval;
        threads = Math.max(1, threads);
        gate = gate == null ? ValidationGate.defaults() : gate;
        progress = progress == null ? ProgressListener.NONE : progress;
        syntheticInputs = syntheticInputs == null ? Map.of() : Map.copyOf(syntheticInputs);
        warmStart = warmStart == null ? Optional.empty() : warmStart;
        audience = audience == null ? Audience.CLI : audience;
    }

    /** A request for the command line's user. */
    public CompressionRequest(Path input, Path output, Recipe recipe, Optional<Path> calibration,
                              Optional<Path> eval, int threads, ValidationGate gate, ProgressListener progress,
                              Map<String, InputHint> syntheticInputs, Optional<Path> warmStart) {
        this(input, output, recipe, calibration, eval, threads, gate, progress, syntheticInputs, warmStart,
                Audience.CLI);
    }

    /** The same request, with refusals worded for {@code who}. */
    public CompressionRequest withAudience(Audience who) {
        return new CompressionRequest(input, output, recipe, calibration, eval, threads, gate, progress,
                syntheticInputs, warmStart, who);
    }

    /** A request without a warm start. */
    public CompressionRequest(Path input, Path output, Recipe recipe, Optional<Path> calibration,
                              Optional<Path> eval, int threads, ValidationGate gate, ProgressListener progress,
                              Map<String, InputHint> syntheticInputs) {
        this(input, output, recipe, calibration, eval, threads, gate, progress, syntheticInputs, Optional.empty());
    }

    /** A request without synthetic fill values. */
    public CompressionRequest(Path input, Path output, Recipe recipe, Optional<Path> calibration,
                              Optional<Path> eval, int threads, ValidationGate gate, ProgressListener progress) {
        this(input, output, recipe, calibration, eval, threads, gate, progress, Map.of(), Optional.empty());
    }

    /** A request with defaults: no data, 1 thread, default gate. */
    public static CompressionRequest of(Path input, Path output, Recipe recipe) {
        return new CompressionRequest(input, output, recipe, Optional.empty(), Optional.empty(), 1, null, null);
    }
}
