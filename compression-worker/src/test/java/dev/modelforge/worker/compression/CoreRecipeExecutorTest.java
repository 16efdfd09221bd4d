package dev.modelforge.worker.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.profile.RecipeRef;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.ir.Tensor;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refusal inside the worker reaches the version's owner through the registry, so it names what they can do
 * there (upload parts), never the command line's flags or the worker's scratch paths.
 */
class CoreRecipeExecutorTest {

    @TempDir
    Path tmp;

    private static CoreRecipeExecutor executor() {
        CoreRecipeExecutor e = new CoreRecipeExecutor();
        // only threads() is read; a proxy keeps this test independent of the rest of the worker's settings
        e.config = (WorkerConfig) Proxy.newProxyInstance(WorkerConfig.class.getClassLoader(),
                new Class<?>[] {WorkerConfig.class}, (proxy, method, args) -> method.getName().equals("threads") ? 1
                        : method.getReturnType() == Optional.class ? Optional.empty() : null);
        e.json = new ObjectMapper();
        return e;
    }

    @Test
    void missingCalibrationIsExplainedInTheRegistrysTerms() throws Exception {
        float[] w = new float[16 * 8];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i);
        }
        ModelBuilder b = ModelBuilder.create("mlp", 13).input("x", DataType.FLOAT, -1, 16)
                .initializer(Tensor.ofFloats("w", new long[] {16, 8}, w));
        b.node("MatMul", List.of("x", "w"), List.of("y"));
        Path model = tmp.resolve("original.onnx");
        ModelFiles.write(b.output("y", DataType.FLOAT, -1, 8).build(), model);
        Path work = Files.createDirectory(tmp.resolve("work"));
        assertThatThrownBy(() -> executor().run(model, Optional.empty(), Optional.empty(), RecipeRef.of("int8-static"),
                work, (phase, fraction) -> { }))
                .isInstanceOf(RecipeExecutor.RecipeRefusedException.class)
                .hasMessageContaining("upload a calibration set with the version (`calibration` part)")
                .hasMessageNotContaining("--calibration").hasMessageNotContaining(tmp.toString());
        assertThat(work.resolve("variant.onnx")).doesNotExist();
    }

    /**
     * A model directory's variant is a directory too: model.onnx with its weights in model.onnx.data beside it, every
     * reference resolving there (what the registry then registers file by file).
     */
    @Test
    void directoryOriginalGivesADirectoryVariant() throws Exception {
        float[] w = new float[256 * 128];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.1);
        }
        ModelBuilder b = ModelBuilder.create("mlp", 13).input("x", DataType.FLOAT, 1, 256)
                .initializer(Tensor.ofFloats("w", new long[] {256, 128}, w));
        b.node("MatMul", List.of("x", "w"), List.of("y"));
        Path original = Files.createDirectory(tmp.resolve("original")).resolve("model.onnx");
        ModelFiles.write(b.output("y", DataType.FLOAT, 1, 128).build(), original, "model.onnx.data", 0);
        assertThat(tmp.resolve("original/model.onnx.data")).isRegularFile();
        Path work = Files.createDirectory(tmp.resolve("work"));
        RecipeExecutor.Output out = executor().run(original, true, Optional.empty(), Optional.empty(),
                RecipeRef.of("int8-dynamic"), work, (phase, fraction) -> { });
        assertThat(out.directory()).isEqualTo(work.resolve("variant"));
        assertThat(out.model()).isEqualTo(work.resolve("variant/model.onnx"));
        assertThat(work.resolve("variant/model.onnx.data")).isRegularFile();
        dev.modelforge.onnx.SignatureReader.readChecked(out.model());
        assertThat(dev.modelforge.onnx.OnnxFiles.read(out.model()).getGraph().getInitializerList())
                .anyMatch(dev.modelforge.onnx.ExternalData::isExternal);
    }
}
