package dev.modelforge.compress.validate;

import dev.modelforge.compress.CompressionException;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.pass.PassReport;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.pass.ParamSpec;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidatorTest {
    @TempDir
    Path tmp;

    /** y = x · diag(scale): with identity-like weights the top class is the argmax of x. */
    private Path scaled(String name, float scale) throws Exception {
        ModelBuilder b = ModelBuilder.create("s", 13).input("x", DataType.FLOAT, -1, 3)
                .initializer(Tensor.ofFloats("W", new long[] {3, 3}, new float[] {scale, 0, 0, 0, scale, 0, 0, 0, 1}));
        b.node("MatMul", List.of("x", "W"), List.of("y"));
        Path p = tmp.resolve(name);
        ModelFiles.write(b.output("y", DataType.FLOAT, -1, 3).build(), p);
        return p;
    }

    private static EvalDataset data(Path model) throws Exception {
        NdArray x = NdArray.ofFloats(new float[] {3, 0, 1, 0, 3, 1, 0, 0, 1, 2, 0, 1}, 4, 3);
        NdArray labels = NdArray.ofLongs(new long[] {0, 1, 2, 2}, 4);
        ModelSignature sig = ModelSignature.of(dev.modelforge.onnx.OnnxFiles.read(model));
        return EvalDataset.of(Map.of("x", x, "labels", labels), sig);
    }

    @Test
    void accuracyAndFidelityAreMeasured() throws Exception {
        Path ref = scaled("ref.onnx", 1f);
        Path cand = scaled("cand.onnx", 0.4f);
        ValidationResult r = new Validator(1, 2, ValidationGate.loadAndRunOnly()).validate(cand, ref, data(ref));
        assertThat(r.passed()).isTrue();
        Metrics m = r.metrics();
        assertThat(m.samples()).isEqualTo(4);
        assertThat(m.referenceAccuracy()).isEqualTo(0.75);
        // Candidate shrinks columns 0 and 1 to 0.4x: sample 0 (3*0.4=1.2 vs 1) still right, sample 3 (0.8 vs 1) flips to 2.
        assertThat(m.accuracy()).isEqualTo(1.0);
        assertThat(m.top1Agreement()).isEqualTo(0.75);
        assertThat(m.maxAbsError()).isCloseTo(1.8, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(m.cosineSimilarity()).isLessThan(1.0).isGreaterThan(0.5);
        ValidationResult gated = new Validator(1, 2, new ValidationGate(null, 0.99)).validate(cand, ref, data(ref));
        assertThat(gated.passed()).isFalse();
        assertThat(gated.failure()).contains("cosine similarity");
    }

    @Test
    void unloadableModelFailsWithOrtMessage() throws Exception {
        Path bad = tmp.resolve("bad.onnx");
        ModelBuilder b = ModelBuilder.create("b", 13).input("x", DataType.FLOAT, 1, 3);
        b.node("NoSuchOp", List.of("x"), List.of("y"));
        ModelFiles.write(b.output("y", DataType.FLOAT, 1, 3).build(), bad);
        ValidationResult r = new Validator(1, 1, ValidationGate.defaults()).validate(bad, null, null);
        assertThat(r.passed()).isFalse();
        assertThat(r.failure()).contains("cannot load").contains("NoSuchOp");
    }

    /** A pass that emits a graph ORT cannot load: the compressor must not leave it on disk. */
    static final class BreakingPass implements Pass {
        @Override
        public String name() {
            return "break";
        }

        @Override
        public String description() {
            return "test only";
        }

        @Override
        public List<ParamSpec> parameters() {
            return List.of();
        }

        @Override
        public PassResult apply(Model in, PassContext ctx) {
            Model out = in.copy();
            Node first = out.graph().nodes().get(0);
            out.graph().replace(first, List.of(Node.of("x", "NoSuchOp", first.inputs(), first.outputs())));
            return new PassResult(out, new PassReport.Builder(name(), ctx.params()).build(in, out));
        }
    }

    @Test
    void outputThatFailsValidationIsNeverWritten() throws Exception {
        Path in = scaled("in.onnx", 1f);
        Path out = tmp.resolve("out.onnx");
        Compressor c = new Compressor(PassRegistry.discover().register("break", BreakingPass::new));
        assertThatThrownBy(() -> c.compress(CompressionRequest.of(in, out, Recipe.of(RecipeStep.of("break")))))
                .isInstanceOf(CompressionException.class)
                .satisfies(e -> assertThat(((CompressionException) e).kind())
                        .isEqualTo(CompressionException.Kind.VALIDATION_FAILED))
                .hasMessageContaining("NoSuchOp");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("in.onnx");
        }
        assertThat(PassParams.none().asMap()).isEmpty();
    }
}
