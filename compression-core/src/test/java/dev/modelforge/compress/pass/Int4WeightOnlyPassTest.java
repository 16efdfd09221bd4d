package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.testing.Ort;
import dev.modelforge.compress.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Int4WeightOnlyPassTest {
    @TempDir
    Path tmp;

    private static PassResult apply(Model m, Map<String, ?> params) throws Exception {
        Int4WeightOnlyPass pass = new Int4WeightOnlyPass();
        return pass.apply(m, PassContext.of(PassParams.resolve(pass, params)));
    }

    private static Model matmul(int k, int n, long seed) {
        Random r = new Random(seed);
        ModelBuilder b = ModelBuilder.create("mm", 13).input("x", DataType.FLOAT, -1, k)
                .initializer(Tensor.ofFloats("W", new long[] {k, n}, TinyModels.randn(r, k * n, 0.5f)));
        b.node("MatMul", List.of("x", "W"), List.of("y"));
        return b.output("y", DataType.FLOAT, -1, n).build();
    }

    @Test
    void ortMatchesJavaReferenceDequantizationForAllLayouts() throws Exception {
        int[][] shapes = {{64, 24}, {40, 8}, {128, 16}};
        for (int[] s : shapes) {
            for (int block : new int[] {32, 64, 128}) {
                for (boolean symmetric : new boolean[] {true, false}) {
                    int k = s[0];
                    int n = s[1];
                    Model in = matmul(k, n, k * 31L + n);
                    Model out = apply(in, Map.of("blockSize", block, "symmetric", symmetric)).model();
                    assertThat(out.graph().opHistogram()).containsEntry("com.microsoft:MatMulNBits", 1);
                    // Java reference: y = x · dequant(W).
                    float[] w = in.graph().initializer("W").orElseThrow().floats();
                    float[] wNK = new float[n * k];
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < n; j++) {
                            wNK[j * k + i] = w[i * n + j];
                        }
                    }
                    float[] deq = Int4Packer.unpack(Int4Packer.pack(wNK, n, k, block, symmetric), n, k, block);
                    float[] x = TinyModels.randn(new Random(9), 3 * k, 1f);
                    float[] got = Ort.run(out, "x", x, 3, k);
                    String what = k + "x" + n + " block " + block + " sym " + symmetric;
                    for (int row = 0; row < 3; row++) {
                        for (int j = 0; j < n; j++) {
                            double ref = 0;
                            for (int i = 0; i < k; i++) {
                                ref += x[row * k + i] * deq[j * k + i];
                            }
                            assertThat((double) got[row * n + j]).as(what).isCloseTo(ref,
                                    org.assertj.core.data.Offset.offset(1e-3 * (1 + Math.abs(ref))));
                        }
                    }
                    // And the dequantized weight is a close approximation of the float one.
                    double err = 0;
                    double norm = 0;
                    for (int i = 0; i < wNK.length; i++) {
                        err += (wNK[i] - deq[i]) * (wNK[i] - deq[i]);
                        norm += wNK[i] * wNK[i];
                    }
                    assertThat(Math.sqrt(err / norm)).as(what).isLessThan(0.2);
                }
            }
        }
    }

    @Test
    void gemmWithTransposedWeightAndBiasRuns() throws Exception {
        Model in = TinyModels.mlp(13, 32, 64, 10);
        PassResult r = apply(in, Map.of());
        assertThat(r.report().count(NodeAction.QUANTIZED)).isEqualTo(2);
        float[] x = TinyModels.randn(new Random(4), 4 * 32, 1f);
        float[] ref = Ort.run(in, "x", x, 4, 32);
        float[] got = Ort.run(r.model(), "x", x, 4, 32);
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < ref.length; i++) {
            dot += ref[i] * got[i];
            na += ref[i] * ref[i];
            nb += got[i] * got[i];
        }
        assertThat(dot / Math.sqrt(na * nb)).isGreaterThan(0.98);
        assertThat(Ort.optimizedOps(r.model(), tmp)).containsEntry("MatMulNBits", 2).doesNotContainKey("MatMul");
    }

    @Test
    void weightBytesAreAtMostSixteenPercentOfFloat() throws Exception {
        Model in = matmul(512, 256, 1);
        for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of(), Map.of("blockSize", 64),
                Map.of("blockSize", 128, "symmetric", false))) {
            PassReport rep = apply(in, params).report();
            double ratio = (double) rep.weightBytesAfter() / rep.weightBytesBefore();
            assertThat(ratio).as(params.toString()).isLessThanOrEqualTo(0.16);
        }
    }

    @Test
    void refusesModelsWithoutMatMulWeights() {
        assertThatThrownBy(() -> apply(TinyModels.convOnly(13), Map.of())).isInstanceOf(NothingToDoException.class);
    }

    @Test
    void rejectsUnsupportedBlockSize() {
        assertThatThrownBy(() -> PassParams.resolve(new Int4WeightOnlyPass(), Map.of("blockSize", 48)))
                .isInstanceOf(InvalidParamException.class)
                .hasMessageContaining("blockSize").hasMessageContaining("[16, 32, 64, 128, 256]");
    }
}
