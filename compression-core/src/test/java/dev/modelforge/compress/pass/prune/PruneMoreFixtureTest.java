package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OrtSession;
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
import dev.modelforge.compress.testing.GeneratedInputs;
import dev.modelforge.compress.testing.ThirdPartyModel;
import dev.modelforge.compress.testing.ThirdPartyModels;
import dev.modelforge.compress.validate.Metrics;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.ValidationResult;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.compress.validate.OrtSessions;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Transformer FFN pruning, unstructured pruning with sparse storage, and third-party robustness. */
class PruneMoreFixtureTest {
    static final Path FIX = Path.of("src/test/resources/fixtures");
    static final Path TF = FIX.resolve("digits_transformer.onnx");
    static final Path CNN = FIX.resolve("digits_cnn.onnx");

    @TempDir
    Path tmp;

    Metrics evaluate(Model m, Path reference, Path eval) throws Exception {
        Path out = tmp.resolve("m" + System.nanoTime() + ".onnx");
        ModelFiles.write(m, out);
        EvalDataset data = EvalDataset.load(eval, ModelSignature.of(m.toProto()));
        ValidationResult r = new Validator(1, 64, ValidationGate.loadAndRunOnly()).validate(out, reference, data);
        assertThat(r.passed()).as(r.failure()).isTrue();
        return r.metrics();
    }

    static PassResult run(dev.modelforge.compress.pass.Pass pass, Path model, Path calib, Map<String, Object> params)
            throws Exception {
        return pass.apply(ModelFiles.read(model), new PassContext(PassParams.resolve(pass, params),
                Optional.ofNullable(calib), ProgressListener.NONE, 1, null));
    }

    @Test
    void transformerFfnWidthAndAttentionHeadsArePruned() throws Exception {
        PassResult r = run(new StructuredPrunePass(), TF, FIX.resolve("digits_transformer_calib.npz"),
                Map.of("ratio", 0.5));
        Model m = r.model();
        var ff1 = m.graph().nodes().stream().filter(n -> n.name().equals("/layers.0/ff1/MatMul")).findFirst().orElseThrow();
        var ff2 = m.graph().nodes().stream().filter(n -> n.name().equals("/layers.0/ff2/MatMul")).findFirst().orElseThrow();
        assertThat(m.graph().initializer(ff1.input(1)).orElseThrow().shape()).containsExactly(96, 128);
        assertThat(m.graph().initializer(ff2.input(1)).orElseThrow().shape()).containsExactly(128, 96);
        // attention: q, k, v are split into 4 heads by Reshape; whole heads go, q/k/v/proj follow
        assertThat(r.report().nodes()).anySatisfy(g -> {
            assertThat(g.node()).isEqualTo("/layers.0/q/MatMul");
            assertThat(g.reason()).contains("left alone").contains("pruned by heads");
        });
        assertThat(r.report().nodes()).anySatisfy(g -> {
            assertThat(g.node()).isEqualTo("/layers.0/q/MatMul#heads");
            assertThat(g.reason()).contains("channels 4 -> 2").contains("/layers.0/k/MatMul")
                    .contains("/layers.0/v/MatMul").contains("/layers.0/proj/MatMul");
        });
        for (String w : new String[]{"q", "k", "v"}) {
            var node = m.graph().nodes().stream().filter(n -> n.name().equals("/layers.1/" + w + "/MatMul")).findFirst()
                    .orElseThrow();
            assertThat(m.graph().initializer(node.input(1)).orElseThrow().shape()).containsExactly(96, 48);
        }
        var proj = m.graph().nodes().stream().filter(n -> n.name().equals("/layers.1/proj/MatMul")).findFirst()
                .orElseThrow();
        assertThat(m.graph().initializer(proj.input(1)).orElseThrow().shape()).containsExactly(48, 96);
        Metrics withHeads = evaluate(m, TF, FIX.resolve("digits_transformer_eval.npz"));
        assertThat(withHeads.accuracy()).isGreaterThan(0.5);
        // FFN width only: attention untouched, and a smaller accuracy cost than also removing half the heads
        Model ffnOnly = run(new StructuredPrunePass(), TF, FIX.resolve("digits_transformer_calib.npz"),
                Map.of("ratio", 0.5, "pruneHeads", false)).model();
        var q = ffnOnly.graph().nodes().stream().filter(n -> n.name().equals("/layers.1/q/MatMul")).findFirst()
                .orElseThrow();
        assertThat(ffnOnly.graph().initializer(q.input(1)).orElseThrow().shape()).containsExactly(96, 96);
        Metrics ffn = evaluate(ffnOnly, TF, FIX.resolve("digits_transformer_eval.npz"));
        assertThat(ffn.accuracyDropPoints()).isLessThan(5.0);
    }

    @Test
    void magnitudePruningShrinksTheArtifactAndOrtLoadsSparseInitializers() throws Exception {
        PassResult r = run(new MagnitudePrunePass(), CNN, FIX.resolve("digits_cnn_calib.npz"), Map.of("sparsity", 0.8));
        Model m = r.model();
        assertThat(m.graph().sparseInitializers()).isNotEmpty();
        long before = Files.size(CNN);
        Path out = tmp.resolve("sparse.onnx");
        ModelFiles.write(m, out);
        assertThat(Files.size(out)).isLessThan(before / 2);
        assertThat(r.report().nodes()).anySatisfy(n -> assertThat(n.reason()).contains("sparsity 0.8"));
        // report sizes count the sparse initializers' values and indices
        assertThat(r.report().weightBytesAfter()).isGreaterThan(r.report().weightBytesBefore() / 5)
                .isLessThan(r.report().weightBytesBefore() / 2);
        Metrics metrics = evaluate(m, CNN, FIX.resolve("digits_cnn_eval.npz"));
        assertThat(metrics.accuracyDropPoints()).isLessThanOrEqualTo(2.0);
    }

    @Test
    void sparseWeightsDensifiedByOrtEqualTheDenseZeros() throws Exception {
        Model dense = run(new MagnitudePrunePass(), CNN, null, Map.of("sparsity", 0.6, "storage", "dense")).model();
        Model sparse = run(new MagnitudePrunePass(), CNN, null, Map.of("sparsity", 0.6)).model();
        assertThat(sparse.graph().sparseInitializers()).isNotEmpty();
        Path eval = FIX.resolve("digits_cnn_eval.npz");
        Metrics a = evaluate(dense, CNN, eval);
        Metrics b = evaluate(sparse, CNN, eval);
        assertThat(b.accuracy()).isEqualTo(a.accuracy());
        assertThat(b.cosineSimilarity()).isEqualTo(a.cosineSimilarity());
    }

    @Test
    void pruneDenseThenInt8StaticThenSparseEncode() throws Exception {
        Recipe recipe = new Recipe(List.of(
                new RecipeStep("prune-magnitude", Map.of("sparsity", 0.8, "storage", "dense")),
                new RecipeStep("int8-static", Map.of()), new RecipeStep("sparse-encode", Map.of())));
        var out = new RecipeRunner(PassRegistry.discover()).run(ModelFiles.read(CNN), recipe, new PassContext(
                PassParams.none(), Optional.of(FIX.resolve("digits_cnn_calib.npz")), ProgressListener.NONE, 1, tmp));
        Path file = tmp.resolve("p8.onnx");
        ModelFiles.write(out.model(), file);
        assertThat(Files.size(file)).isLessThan(Files.size(CNN) / 4);
        evaluate(out.model(), CNN, FIX.resolve("digits_cnn_eval.npz"));
    }

    static List<ThirdPartyModel> models() {
        return ThirdPartyModels.all();
    }

    @ParameterizedTest
    @MethodSource("models")
    void thirdPartyModelsGiveAValidModelOrACleanRefusal(ThirdPartyModel tp) throws Exception {
        Path path = ThirdPartyModels.resolve(tp);
        PassResult r;
        try {
            r = run(new StructuredPrunePass(), path, null, Map.of("ratio", 0.3));
        } catch (PassException e) {
            assertThat(e.getMessage()).startsWith("prune-structured: ");
            System.out.println("PRUNE-THIRDPARTY " + tp.id() + ": refused: " + e.getMessage());
            return;
        }
        System.out.println("PRUNE-THIRDPARTY " + tp.id() + ": " + r.report().notes().get(0) + "; groups pruned "
                + r.report().nodes().stream().filter(n -> n.action() == dev.modelforge.compress.pass.NodeAction.CONVERTED)
                .count() + " of " + r.report().nodes().size());
        Path out = tmp.resolve("tp.onnx");
        ModelFiles.write(r.model(), out);
        try (OrtSession ref = OrtSessions.open(path, 1, null); OrtSession s = OrtSessions.open(out, 1, null)) {
            var in = GeneratedInputs.create(OrtSessions.env(), ref, tp);
            try (var a = ref.run(in); var b = s.run(in)) {
                assertThat(b.size()).isEqualTo(a.size());
                for (int i = 0; i < a.size(); i++) {
                    assertThat(((ai.onnxruntime.OnnxTensor) b.get(i)).getInfo().getShape())
                            .isEqualTo(((ai.onnxruntime.OnnxTensor) a.get(i)).getInfo().getShape());
                }
            } finally {
                in.values().forEach(ai.onnxruntime.OnnxTensor::close);
            }
        }
    }
}
