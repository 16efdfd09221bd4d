package dev.modelforge.worker.compression;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.onnx.OnnxFiles;
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
        return run(original, false, calibration, eval, ref, workDir, progress);
    }

    /**
     * The variant is written as {@code variant/model.onnx}; the compressor puts weights past protobuf's limit into
     * {@code model.onnx.data} beside it, and a directory original's variant is rewritten with its weights there
     * too, so a directory model's variants are directories, and a variant too large for one file becomes one.
     */
    @Override
    public Output run(Path original, boolean directory, Optional<Path> calibration, Optional<Path> eval,
                      RecipeRef ref, Path workDir, Progress progress) throws Exception {
        Recipe recipe = new Recipe(ref.steps().stream().map(s -> new RecipeStep(s.name(), s.params())).toList());
        Path variantDir = Files.createDirectories(workDir.resolve("variant"));
        Path out = variantDir.resolve(ManifestFile.MODEL_FILE);
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
        boolean external = Files.exists(variantDir.resolve(ManifestFile.MODEL_FILE + ".data"));
        if (directory && !external) {
            // validated as one file; the bytes ORT checked are the same, only their place changes
            OnnxFiles.writeWithExternalData(OnnxFiles.read(out), variantDir, out);
        }
        JsonNode reportJson = json.readTree(report.toJson());
        return directory || external ? new Output(out, reportJson, toolVersion(), variantDir)
                : new Output(out, reportJson, toolVersion());
    }

    /** The compression tool and its version; part of a variant's identity. */
    static String toolVersion() {
        return ToolVersion.TOOL_NAME + "/" + ToolVersion.version();
    }
}
