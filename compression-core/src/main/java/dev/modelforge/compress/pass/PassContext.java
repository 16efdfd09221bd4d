package dev.modelforge.compress.pass;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a pass may use besides the model: its resolved parameters, the calibration data file (an
 * {@code .npz} or ONNX test-data directory/zip, read with model-io's {@code EvalDataset}), a
 * progress sink, the ONNX Runtime thread count for passes that run the model, and a scratch
 * directory for temporary files.
 *
 * @param params          this pass's parameters, already validated and defaulted
 * @param calibrationData calibration samples, when the caller supplied some
 * @param progress        progress sink (never null)
 * @param threads         intra-op threads a pass may give ONNX Runtime (≥ 1)
 * @param workDir         scratch directory the pass may write into
 * @param audience        who reads the pass's refusals (they name the CLI's flags or the registry's upload parts)
 */
public record PassContext(PassParams params, Optional<Path> calibrationData, ProgressListener progress,
                          int threads, Path workDir, Audience audience) {
    public PassContext {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(calibrationData, "calibrationData");
        progress = progress == null ? ProgressListener.NONE : progress;
        threads = Math.max(1, threads);
        workDir = workDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : workDir;
        audience = audience == null ? Audience.CLI : audience;
    }

    /** A context whose refusals speak to the command line's user. */
    public PassContext(PassParams params, Optional<Path> calibrationData, ProgressListener progress, int threads,
                       Path workDir) {
        this(params, calibrationData, progress, threads, workDir, Audience.CLI);
    }

    /** A context with only parameters (unit tests, passes that need no data). */
    public static PassContext of(PassParams params) {
        return new PassContext(params, Optional.empty(), ProgressListener.NONE, 1, null);
    }

    /** The same context with other parameters (the runner reuses data/progress for each step). */
    public PassContext withParams(PassParams p) {
        return new PassContext(p, calibrationData, progress, threads, workDir, audience);
    }
}
