package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.pass.qdq.OrtHarness;
import dev.modelforge.compress.testing.Ort;
import dev.modelforge.compress.testing.ThirdPartyModel;
import dev.modelforge.compress.testing.ThirdPartyModels;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * int8-dynamic's attention fusion on the trained transformer fixture (two encoder layers, 4 heads of 24, plain
 * MatMul/Reshape/Transpose/Softmax attention) and on hand-edited copies of it: each fused block must compute what
 * the float block computes, and every shape the matcher does not know must stay unfused, quantized MatMul by MatMul.
 */
class AttentionFusionTest {
    private static final int EVAL = 64;

    @TempDir
    Path tmp;

    private static Model transformer;
    private static float[] x;

    @BeforeAll
    static void load() throws Exception {
        Path dir = Path.of(AttentionFusionTest.class.getResource("/fixtures/digits_transformer.onnx").toURI()).getParent();
        transformer = ModelFiles.read(dir.resolve("digits_transformer.onnx"));
        NdArray all = Npz.read(dir.resolve("digits_transformer_eval.npz")).get("input");
        x = all.slice(0, EVAL).toFloatArray();
    }

    private static PassResult quantize(Model m, Map<String, ?> params) throws Exception {
        Int8DynamicPass pass = new Int8DynamicPass();
        return pass.apply(m, PassContext.of(PassParams.resolve(pass, params)));
    }

    private static float[] logits(Model m) throws Exception {
        return Ort.run(m, "input", x, EVAL, 8, 8);
    }

    @Test
    void eachEncoderLayerBecomesOneQAttentionThatOrtKeeps() throws Exception {
        PassResult r = quantize(transformer, Map.of());
        Map<String, Integer> ops = r.model().graph().opHistogram();
        assertThat(ops).containsEntry("com.microsoft:QAttention", 2)
                // the head split/merge and the score arithmetic are inside the kernel now
                .doesNotContainKeys("Softmax", "Transpose", "Reshape");
        assertThat(r.model().opsets()).containsEntry(Node.MICROSOFT_DOMAIN, 1L);
        assertThat(r.report().nodes()).filteredOn(n -> n.reason() != null && n.reason().contains("QAttention"))
                .hasSize(6).allSatisfy(n -> {
                    assertThat(n.action()).isEqualTo(NodeAction.QUANTIZED);
                    assertThat(n.reason()).contains("4 heads of 24").contains("96x288");
                });
        assertThat(Ort.optimizedOps(r.model(), tmp)).containsEntry("QAttention", 2).doesNotContainKey("Softmax");
    }

    @Test
    void fusedAttentionComputesWhatTheFloatBlocksCompute() throws Exception {
        float[] ref = logits(transformer);
        float[] fused = logits(quantize(transformer, Map.of()).model());
        float[] unfused = logits(quantize(transformer, Map.of("fuseAttention", false)).model());
        assertThat(agreement(ref, fused)).isGreaterThanOrEqualTo(0.98);
        // the same int8 arithmetic as MatMul-by-MatMul quantization, so about the same error
        assertThat(OrtHarness.maxAbsDiff(ref, fused)).isLessThanOrEqualTo(2 * OrtHarness.maxAbsDiff(ref, unfused) + 1e-3);
        assertThat(fused).isNotEqualTo(ref);
    }

    @Test
    void fuseAttentionFalseKeepsTheMatMulByMatMulForm() throws Exception {
        PassResult r = quantize(transformer, Map.of("fuseAttention", false));
        assertThat(r.model().graph().opHistogram()).doesNotContainKey("com.microsoft:QAttention")
                .containsEntry("Softmax", 2).containsKey("MatMulInteger");
    }

    @Test
    void anExcludedProjectionKeepsItsBlockUnfused() throws Exception {
        PassResult r = quantize(transformer, Map.of("excludeNodes", List.of("/layers.0/q/MatMul")));
        Graph g = r.model().graph();
        assertThat(g.opHistogram()).containsEntry("com.microsoft:QAttention", 1).containsEntry("Softmax", 1);
        assertThat(g.nodes()).anyMatch(n -> n.name().equals("/layers.0/q/MatMul") && n.is("MatMul"));
        assertThat(r.report().notes()).anyMatch(n -> n.contains("not fused") && n.contains("excludeNodes"));
        assertThat(agreement(logits(transformer), logits(r.model()))).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void aScoreScaleOtherThanTheDefaultIsCarried() throws Exception {
        Model edited = transformer.copy();
        Graph g = edited.graph();
        // the exporter's Mul by 1/sqrt(24) becomes a Div by 2 (scale 0.5, not ORT's default 0.204)
        for (Node mul : g.nodes().stream().filter(n -> n.is("Mul") && g.consumers(n.output(0)).stream()
                .anyMatch(c -> c.is("Softmax"))).toList()) {
            String c = mul.input(1);
            g.putInitializer(Tensor.scalar(c, 2f));
            g.replace(mul, List.of(Node.of(mul.name(), "Div", List.of(mul.input(0), c), List.of(mul.output(0)))));
        }
        float[] ref = logits(edited);
        assertThat(OrtHarness.maxAbsDiff(ref, logits(transformer))).as("the edit changes the model").isGreaterThan(0.1);
        PassResult r = quantize(edited, Map.of());
        assertThat(r.model().graph().nodes()).filteredOn(n -> n.opType().equals("QAttention")).hasSize(2)
                .allSatisfy(n -> assertThat(n.attrFloat("scale", 0f)).isEqualTo(0.5f));
        assertThat(agreement(ref, logits(r.model()))).isGreaterThanOrEqualTo(0.98);
        assertThat(OrtHarness.maxAbsDiff(ref, logits(r.model())))
                .isLessThanOrEqualTo(2 * OrtHarness.maxAbsDiff(ref, logits(quantize(edited, Map.of("fuseAttention", false)).model())) + 1e-3);
    }

    @Test
    void keysTransposedInTwoStepsAreMatchedToo() throws Exception {
        Model edited = transformer.copy();
        Graph g = edited.graph();
        for (Node t : g.nodes().stream().filter(n -> n.is("Transpose")
                && n.attrInts("perm").equals(List.of(0L, 2L, 3L, 1L))).toList()) {
            String mid = g.uniqueName(t.output(0) + "_heads");
            g.replace(t, List.of(
                    Node.of(t.name() + "_split", "Transpose", List.of(t.input(0)), List.of(mid))
                            .setAttrInts("perm", List.of(0L, 2L, 1L, 3L)),
                    Node.of(t.name(), "Transpose", List.of(mid), List.of(t.output(0)))
                            .setAttrInts("perm", List.of(0L, 1L, 3L, 2L))));
        }
        assertThat(logits(edited)).containsExactly(logits(transformer));
        PassResult r = quantize(edited, Map.of());
        assertThat(r.model().graph().opHistogram()).containsEntry("com.microsoft:QAttention", 2)
                .doesNotContainKey("Transpose");
        assertThat(agreement(logits(transformer), logits(r.model()))).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void maskedScoresAreNotFusedAndSayWhy() throws Exception {
        Model edited = transformer.copy();
        Graph g = edited.graph();
        // an additive mask between the scaled scores and Softmax (zeros: the model's function is unchanged)
        for (Node sm : g.nodes().stream().filter(n -> n.is("Softmax")).toList()) {
            String mask = g.uniqueName("mask");
            String masked = g.uniqueName(sm.input(0) + "_masked");
            g.putInitializer(Tensor.ofFloats(mask, new long[] {1, 1, 1, 8}, new float[8]));
            g.insertBefore(sm, Node.of(g.uniqueName("mask_add"), "Add", List.of(sm.input(0), mask), List.of(masked)));
            sm.setInput(0, masked);
        }
        PassResult r = quantize(edited, Map.of());
        assertThat(r.model().graph().opHistogram()).doesNotContainKey("com.microsoft:QAttention")
                .containsEntry("Softmax", 2).containsKey("MatMulInteger");
        assertThat(r.report().notes()).filteredOn(n -> n.contains("not fused")).hasSize(2)
                .allMatch(n -> n.contains("mask"));
        assertThat(agreement(logits(transformer), logits(r.model()))).isGreaterThanOrEqualTo(0.98);
    }

    /**
     * A real BERT (all-MiniLM-L6-v2, 6 layers, 12 heads of 32, opset 11): additive attention masks and Reshape
     * targets computed at run time. Every layer fuses; the output follows the float model, and padded tokens stay
     * invisible to the others — the mask reaches QAttention.
     */
    @Test
    void miniLmFusesEveryLayerWithItsAttentionMask() throws Exception {
        ThirdPartyModel tp = ThirdPartyModels.byId("all-minilm-l6-v2");
        Model bert = ModelFiles.read(ThirdPartyModels.resolve(tp));
        PassResult fused = quantize(bert, Map.of());
        Map<String, Integer> ops = fused.model().graph().opHistogram();
        assertThat(ops).as(fused.report().notes().toString()).containsEntry("com.microsoft:QAttention", 6)
                .doesNotContainKeys("Softmax", "Transpose");
        assertThat(fused.model().graph().nodes()).filteredOn(n -> n.opType().equals("QAttention"))
                .allSatisfy(n -> {
                    assertThat(n.input(5)).isNotEmpty();
                    // the exporter's (1 - mask) * torch.finfo(float32).min, carried over as it is
                    assertThat(n.attrFloat("mask_filter_value", 0f)).isEqualTo(-Float.MAX_VALUE);
                });
        Model unfused = quantize(bert, Map.of("fuseAttention", false)).model();

        int tokens = 16;
        int pad = 5; // the second sequence is 11 tokens plus 5 of padding
        long[] ids = new long[2 * tokens];
        long[] mask = new long[2 * tokens];
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1000 + rnd.nextInt(20000);
            mask[i] = i >= tokens && i % tokens >= tokens - pad ? 0 : 1;
        }
        float[] ref = runBert(bert, ids, mask, tokens);
        float[] got = runBert(fused.model(), ids, mask, tokens);
        float[] old = runBert(unfused, ids, mask, tokens);
        assertThat(cosine(ref, got)).isGreaterThan(0.97);
        assertThat(OrtHarness.maxAbsDiff(ref, got)).isLessThanOrEqualTo(2 * OrtHarness.maxAbsDiff(ref, old) + 1e-3);

        // change only the padded tokens: no unpadded position of the second sequence may notice
        long[] other = ids.clone();
        for (int i = 2 * tokens - pad; i < 2 * tokens; i++) {
            other[i] = 5 + rnd.nextInt(900);
        }
        float[] moved = runBert(fused.model(), other, mask, tokens);
        int hidden = 384;
        for (int t = 0; t < tokens - pad; t++) {
            for (int h = 0; h < hidden; h++) {
                int i = (tokens + t) * hidden + h;
                assertThat(moved[i]).as("token %d", t).isCloseTo(got[i], org.assertj.core.api.Assertions.within(1e-4f));
            }
        }
        assertThat(OrtHarness.maxAbsDiff(runBert(bert, other, mask, tokens), ref)).as("padding changes padded rows only")
                .isGreaterThan(0);
    }

    private static float[] runBert(Model m, long[] ids, long[] mask, int tokens) throws Exception {
        var env = dev.modelforge.compress.validate.OrtSessions.env();
        long[] shape = {ids.length / tokens, tokens};
        try (var s = dev.modelforge.compress.validate.OrtSessions.open(m.toProto().toByteArray(), 1, null);
             var a = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids), shape);
             var b = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(mask), shape);
             var c = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(new long[ids.length]), shape);
             var r = s.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            var out = (ai.onnxruntime.OnnxTensor) r.get(0);
            float[] f = new float[(int) out.getInfo().getNumElements()];
            out.getFloatBuffer().get(f);
            return f;
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double agreement(float[] a, float[] b) {
        int same = 0;
        for (int s = 0; s < EVAL; s++) {
            same += argmax(a, s) == argmax(b, s) ? 1 : 0;
        }
        return same / (double) EVAL;
    }

    private static int argmax(float[] logits, int sample) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
            best = logits[sample * 10 + c] > logits[sample * 10 + best] ? c : best;
        }
        return best;
    }
}
