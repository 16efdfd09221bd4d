package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeRunner;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.compress.validate.Metrics;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.ValidationResult;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** prune-structured on the trained fixtures: groups, real shrinkage, recovery that helps. */
class StructuredPruneFixtureTest {
    static final Path FIX = Path.of("src/test/resources/fixtures");
    static final Path CNN = FIX.resolve("digits_cnn.onnx");
    static final Path CNN_CALIB = FIX.resolve("digits_cnn_calib.npz");
    static final Path CNN_EVAL = FIX.resolve("digits_cnn_eval.npz");

    @TempDir
    Path tmp;

    static PassResult prune(Path model, Path calib, Map<String, Object> params) throws Exception {
        Model m = ModelFiles.read(model);
        StructuredPrunePass pass = new StructuredPrunePass();
        PassContext ctx = new PassContext(PassParams.resolve(pass, params), Optional.ofNullable(calib),
                ProgressListener.NONE, 1, null);
        return pass.apply(m, ctx);
    }

    Metrics evaluate(Model m, Path reference, Path eval) throws Exception {
        Path out = tmp.resolve("m" + System.nanoTime() + ".onnx");
        ModelFiles.write(m, out);
        EvalDataset data = EvalDataset.load(eval, ModelSignature.of(m.toProto()));
        ValidationResult r = new Validator(1, 64, ValidationGate.loadAndRunOnly()).validate(out, reference, data);
        assertThat(r.passed()).as(r.failure()).isTrue();
        return r.metrics();
    }

    @Test
    void cnnGroupsFollowResidualAndFlattenAndShrinkMacs() throws Exception {
        PassResult r = prune(CNN, CNN_CALIB, Map.of("ratio", 0.5));
        var groups = r.report().nodes();
        // widen and res.conv meet in the residual Add: one group, pruned together
        assertThat(groups).anySatisfy(g -> {
            assertThat(g.node()).isEqualTo("/widen/widen.0/Conv");
            assertThat(g.reason()).contains("/res/conv/Conv").contains("channels 32 -> 16");
        });
        assertThat(groups).anySatisfy(g -> assertThat(g.reason()).contains("/fc/Gemm").contains("64 -> 32"));
        // the classifier's output reaches the graph output: left alone with the reason
        assertThat(groups).anySatisfy(g -> {
            assertThat(g.node()).isEqualTo("/fc/Gemm");
            assertThat(g.reason()).contains("left alone").contains("graph output");
        });
        Model m = r.model();
        assertThat(m.graph().initializer("res.conv.weight").orElseThrow().shape()).containsExactly(16, 16, 3, 3);
        assertThat(m.graph().initializer("fc.weight").orElseThrow().shape()).containsExactly(10, 32);
        assertThat(r.report().weightBytesAfter()).isLessThan(r.report().weightBytesBefore() / 2);
        assertThat(r.report().notes().get(0)).startsWith("MACs per sample");
        Metrics metrics = evaluate(m, CNN, CNN_EVAL);
        assertThat(metrics.accuracy()).isGreaterThan(0.5);
    }

    @Test
    void reconstructionImprovesFidelityOverNoRecovery() throws Exception {
        Model without = prune(CNN, null, Map.of("ratio", 0.5)).model();
        Model with = prune(CNN, CNN_CALIB, Map.of("ratio", 0.5)).model();
        Metrics a = evaluate(without, CNN, CNN_EVAL);
        Metrics b = evaluate(with, CNN, CNN_EVAL);
        assertThat(b.cosineSimilarity()).isGreaterThan(a.cosineSimilarity());
        assertThat(b.accuracy()).isGreaterThanOrEqualTo(a.accuracy());
        Metrics bnOnly = evaluate(prune(CNN, CNN_CALIB, Map.of("ratio", 0.5, "reconstruct", false)).model(), CNN,
                CNN_EVAL);
        assertThat(b.cosineSimilarity()).isGreaterThan(bnOnly.cosineSimilarity());
    }

    @Test
    void thirtyPercentWithReconstructionStaysWithinOnePoint() throws Exception {
        Metrics m = evaluate(prune(CNN, CNN_CALIB, Map.of("ratio", 0.3)).model(), CNN, CNN_EVAL);
        assertThat(m.accuracyDropPoints()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void budgetRoundingToTheAvx512BlockKeepsMultiplesOf16WithinTheRequestedMacs() throws Exception {
        PassResult r = prune(CNN, CNN_CALIB, Map.of("ratio", 0.3, "isa", "avx512", "rounding", "budget"));
        Model m = r.model();
        for (String w : new String[]{"stem.0.weight", "widen.0.weight", "res.a.0.weight", "res.conv.weight",
                "head_conv.0.weight"}) {
            assertThat(m.graph().initializer(w).orElseThrow().dim(0) % 16).as(w).isZero();
        }
        // 32-channel groups go to 16 or stay at 32 (24 would cost what 32 costs); the mix keeps the MACs
        // at most those of exactly 30 % fewer channels everywhere, and the model within a point
        assertThat(m.graph().initializer("widen.0.weight").orElseThrow().dim(0)).isEqualTo(16);
        assertThat(m.graph().initializer("res.a.0.weight").orElseThrow().dim(0)).isEqualTo(32);
        String note = r.report().notes().stream().filter(n -> n.startsWith("rounding=budget")).findFirst().orElseThrow();
        var numbers = java.util.regex.Pattern.compile("MACs (\\d+) of at most (\\d+)").matcher(note);
        assertThat(numbers.find()).as(note).isTrue();
        assertThat(Long.parseLong(numbers.group(1))).isLessThanOrEqualTo(Long.parseLong(numbers.group(2)));
        assertThat(r.report().notes().get(0)).startsWith("MACs per sample");
        assertThat(r.report().notes()).contains("kept channel counts are multiples of 16 (isa avx512 = avx512), not of 'multiple'");
        assertThat(r.report().nodes()).anySatisfy(g -> assertThat(g.reason())
                .contains("left alone: rounding to a multiple of 16 within the MAC budget keeps all 32"));
        assertThat(evaluate(m, CNN, CNN_EVAL).accuracyDropPoints()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void activationImportanceNeedsCalibrationAndGivesAWorkingModel() throws Exception {
        assertThatThrownBy(() -> prune(CNN, null, Map.of("ratio", 0.3, "importance", "activation")))
                .isInstanceOf(PassException.class).hasMessageContaining("needs calibration data");
        Metrics m = evaluate(prune(CNN, CNN_CALIB, Map.of("ratio", 0.3, "importance", "activation")).model(), CNN,
                CNN_EVAL);
        assertThat(m.accuracyDropPoints()).isLessThanOrEqualTo(2.0);
    }

    @Test
    void ratiosOutsideTheOpenIntervalAreClearErrors() {
        assertThatThrownBy(() -> prune(CNN, null, Map.of("ratio", 1.0))).isInstanceOf(PassException.class)
                .hasMessageContaining("strictly between 0 and 1");
        assertThatThrownBy(() -> prune(CNN, null, Map.of("ratio", 0.0))).isInstanceOf(PassException.class)
                .hasMessageContaining("strictly between 0 and 1");
        assertThatThrownBy(() -> prune(CNN, null, Map.of("ratio", 1.5)))
                .hasMessageContaining("ratio");
    }

    @Test
    void recipePrunesThenQuantizesStatically() throws Exception {
        RecipeRunner runner = new RecipeRunner(PassRegistry.discover());
        Recipe recipe = new Recipe(List.of(new RecipeStep("prune-structured", Map.of("ratio", 0.3)),
                new RecipeStep("int8-static", Map.of())));
        var out = runner.run(ModelFiles.read(CNN), recipe, new PassContext(PassParams.none(), Optional.of(CNN_CALIB),
                ProgressListener.NONE, 1, tmp));
        assertThat(out.reports()).hasSize(2);
        assertThat(out.model().graph().opHistogram()).containsKey("QuantizeLinear");
        Metrics m = evaluate(out.model(), CNN, CNN_EVAL);
        assertThat(m.accuracyDropPoints()).isLessThan(3.0);
    }
}
