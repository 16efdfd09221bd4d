package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.testing.Ort;
import dev.modelforge.compress.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Int8DynamicPassTest {
    @TempDir
    Path tmp;

    private static PassResult apply(Model m, Map<String, ?> params) throws Exception {
        Int8DynamicPass pass = new Int8DynamicPass();
        return pass.apply(m, PassContext.of(PassParams.resolve(pass, params)));
    }

    @Test
    void quantizesMatMulAndGemmIntoThePatternOrtFuses() throws Exception {
        for (boolean perChannel : new boolean[] {true, false}) {
            for (long opset : new long[] {13, 17, 21}) {
                Model in = TinyModels.mlp(opset, 32, 64, 10);
                PassResult r = apply(in, Map.of("perChannel", perChannel));
                assertThat(r.report().count(NodeAction.QUANTIZED)).isEqualTo(2);
                Map<String, Integer> ops = r.model().graph().opHistogram();
                assertThat(ops).containsEntry("MatMulInteger", 2).containsEntry("DynamicQuantizeLinear", 2)
                        .doesNotContainKey("MatMul").doesNotContainKey("Gemm");
                Map<String, Integer> optimized = Ort.optimizedOps(r.model(), tmp);
                assertThat(optimized).as("ORT optimised graph, perChannel=" + perChannel + " opset " + opset)
                        .containsEntry("DynamicQuantizeMatMul", 2)
                        .doesNotContainKeys("MatMulInteger", "ConvInteger", "DynamicQuantizeLinear", "Cast", "Mul")
                        // Both biases (the Add after the MatMul and Gemm's C) are folded into the fused op.
                        .doesNotContainKey("Add");
            }
        }
    }

    @Test
    void outputStaysCloseToFloat() throws Exception {
        Model in = TinyModels.mlp(13, 32, 64, 10);
        Model out = apply(in, Map.of()).model();
        float[] x = TinyModels.randn(new Random(1), 8 * 32, 1f);
        float[] ref = Ort.run(in, "x", x, 8, 32);
        float[] got = Ort.run(out, "x", x, 8, 32);
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxErr = Math.max(maxErr, Math.abs(ref[i] - got[i]));
        }
        assertThat(maxErr).isLessThan(0.03 * maxRef);
        assertThat(got).isNotEqualTo(ref);
    }

    @Test
    void perColumnWeightsMatchJavaReference() throws Exception {
        Model in = TinyModels.matmul3d(13, 16, 8);
        Model out = apply(in, Map.of("perChannel", true)).model();
        float[] w = in.graph().initializer("W").orElseThrow().floats();
        Tensor q = out.graph().initializer("W_q").orElseThrow();
        float[] s = out.graph().initializer("W_s").orElseThrow().floats();
        assertThat(s).hasSize(8);
        byte[] qv = q.bytes();
        for (int c = 0; c < 8; c++) {
            float amax = 0;
            for (int r = 0; r < 16; r++) {
                amax = Math.max(amax, Math.abs(w[r * 8 + c]));
            }
            assertThat(s[c]).isEqualTo(amax / 127f);
            for (int r = 0; r < 16; r++) {
                assertThat(qv[r * 8 + c]).isEqualTo((byte) Math.rint(w[r * 8 + c] / s[c]));
            }
        }
        // 3-D activations run through ORT and match float closely.
        float[] x = TinyModels.randn(new Random(2), 2 * 4 * 16, 1f);
        float[] ref = Ort.run(in, "x", x, 2, 4, 16);
        float[] got = Ort.run(out, "x", x, 2, 4, 16);
        for (int i = 0; i < ref.length; i++) {
            assertThat(got[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(0.05f));
        }
    }

    @Test
    void convOnlyModelHasNothingToDoAndSaysWhy() {
        assertThatThrownBy(() -> apply(TinyModels.convOnly(13), Map.of()))
                .isInstanceOf(NothingToDoException.class)
                .hasMessageContaining("ConvInteger");
    }

    @Test
    void upgradesOpset10ToElevenAndReportsIt() throws Exception {
        PassResult r = apply(TinyModels.mlp(10, 8, 8, 4), Map.of());
        assertThat(r.model().defaultOpset()).isEqualTo(11);
        assertThat(r.report().notes()).anyMatch(n -> n.contains("raised from 10 to 11"));
        float[] x = TinyModels.randn(new Random(5), 2 * 8, 1f);
        assertThat(Ort.run(r.model(), "x", x, 2, 8)).hasSize(8);
    }

    @Test
    void excludedNamesThatMatchNoNodeAreReported() throws Exception {
        Model in = TinyModels.mlp(13, 32, 64, 10);
        String real = in.graph().nodes().get(0).name();
        PassResult r = apply(in, Map.of("excludeNodes", java.util.List.of(real, "no-such-node")));
        assertThat(r.report().notes()).anyMatch(n -> n.startsWith("excludeNodes names no node")
                && n.contains("no-such-node") && !n.contains(real));
        PassResult clean = apply(in, Map.of("excludeNodes", java.util.List.of(real)));
        assertThat(clean.report().notes()).noneMatch(n -> n.startsWith("excludeNodes names no node"));
    }

    @Test
    void inputModelIsNotModifiedAndOutputIsDeterministic() throws Exception {
        Model in = TinyModels.mlp(13, 32, 64, 10);
        byte[] before = in.toProto().toByteArray();
        byte[] a = apply(in, Map.of()).model().toProto().toByteArray();
        byte[] b = apply(in, Map.of()).model().toProto().toByteArray();
        assertThat(in.toProto().toByteArray()).isEqualTo(before);
        assertThat(Arrays.equals(a, b)).isTrue();
    }

    @Test
    void sizeShrinksToAboutAQuarter() throws Exception {
        Model in = TinyModels.mlp(13, 256, 256, 128);
        PassResult r = apply(in, Map.of());
        double ratio = (double) r.report().weightBytesAfter() / r.report().weightBytesBefore();
        assertThat(ratio).isLessThan(0.27);
    }

    @Test
    void alreadyQuantizedModelIsRefusedNotQuantizedTwice() throws Exception {
        Model once = apply(TinyModels.mlp(13, 16, 16, 4), Map.of()).model();
        assertThatThrownBy(() -> apply(once, Map.of())).isInstanceOf(NothingToDoException.class)
                .hasMessageContaining("already quantized").hasMessageContaining("MatMulInteger");
        Fp16Pass fp16 = new Fp16Pass();
        assertThatThrownBy(() -> fp16.apply(once, PassContext.of(PassParams.defaults(fp16))))
                .isInstanceOf(NothingToDoException.class);
    }
}
