package dev.modelforge.worker.compression;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.compress.CompressionException;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.pass.Audience;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.report.ToolVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs recipes with compression-core's {@link Compressor}: recipe, then ONNX Runtime validation against the
 * version's evaluation data, output moved into place only when valid. Everything except an I/O failure is a
 * property of this model and recipe (unknown pass, nothing to quantize, refused, failed validation), so it becomes a
 * {@link RecipeRefusedException} and the job fails cleanly instead of being retried.
 */
@ApplicationScoped
public class CoreRecipeExecutor implements RecipeExecutor {

    @Inject
    WorkerConfig config;

    @Inject
    ObjectMapper json;

    private final Compressor compressor = new Compressor();

    @Override
    public Output run(Path original, Optional<Path> calibration, Optional<Path> eval, RecipeRef ref, Path workDir,
                      Progress progress) throws Exception {
        Recipe recipe = new Recipe(ref.steps().stream().map(s -> new RecipeStep(s.name(), s.params())).toList());
        Path out = workDir.resolve("variant.onnx");
        CompressionReport report;
        try {
            report = compressor.compress(new CompressionRequest(original, out, recipe, calibration, eval,
                    config.threads(), null,
                    (phase, done, total) -> progress.report(phase, total > 0 ? (double) done / total : 0))
                    // refusals reach the version's owner through the registry: name upload parts, not CLI flags
                    .withAudience(Audience.REGISTRY));
        } catch (CompressionException e) {
            if (e.kind() == CompressionException.Kind.IO) {
                throw new IOException(e.getMessage(), e);
            }
            throw new RecipeRefusedException(e.kind().name().toLowerCase().replace('_', '-') + ": "
                    + e.getMessage(), e);
        }
        if (Files.exists(workDir.resolve("variant.onnx.data"))) {
            // Variants above ONNX's 2 GB protobuf limit keep weights in a side file, which registration does not
            // carry yet; refusing is honest, a half-stored variant would not be.
            throw new RecipeRefusedException("variant needs external data (> 2 GB), not supported by the worker yet",
                    null);
        }
        return new Output(out, json.readTree(report.toJson()), toolVersion());
    }

    /** The compression tool and its version; part of a variant's identity. */
    static String toolVersion() {
        return ToolVersion.TOOL_NAME + "/" + ToolVersion.version();
    }
}
