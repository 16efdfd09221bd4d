package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.testing.Ort;
import dev.modelforge.compress.testing.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Fp16PassTest {
    private static PassResult apply(Model m, Map<String, ?> params) throws Exception {
        Fp16Pass pass = new Fp16Pass();
        return pass.apply(m, PassContext.of(PassParams.resolve(pass, params)));
    }

    private static void assertClose(Model a, Model b, int k) throws Exception {
        float[] x = TinyModels.randn(new Random(3), 4 * k, 1f);
        float[] ref = Ort.run(a, "x", x, 4, k);
        float[] got = Ort.run(b, "x", x, 4, k);
        for (int i = 0; i < ref.length; i++) {
            assertThat(got[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(0.02f * (1 + Math.abs(ref[i]))));
        }
    }

    @Test
    void cpuTargetHalvesWeightsKeepsComputeFloat32AndSaysWhy() throws Exception {
        Model in = TinyModels.mlp(13, 32, 64, 10);
        PassResult r = apply(in, Map.of());
        assertThat(r.model().graph().weights()).allMatch(t -> t.dataType() == DataType.FLOAT16);
        assertThat((double) r.report().weightBytesAfter() / r.report().weightBytesBefore()).isEqualTo(0.5);
        assertThat(r.report().nodes()).filteredOn(n -> n.opType().equals("MatMul")).singleElement()
                .satisfies(n -> {
                    assertThat(n.action()).isEqualTo(NodeAction.KEPT_FLOAT);
                    assertThat(n.reason()).contains("no float16 CPU kernel");
                });
        assertThat(r.model().graph().outputs().get(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT.onnxCode());
        assertClose(in, r.model(), 32);
    }

    @Test
    void gpuTargetComputesInFloat16WithFloat32Boundary() throws Exception {
        Model in = TinyModels.mlp(13, 32, 64, 10);
        PassResult r = apply(in, Map.of("target", "gpu"));
        assertThat(r.report().count(NodeAction.CONVERTED)).isEqualTo(4);
        assertThat(r.model().graph().opHistogram()).containsEntry("Cast", 2);
        assertThat(r.model().graph().inputs().get(0).getType().getTensorType().getElemType())
                .isEqualTo(DataType.FLOAT.onnxCode());
        assertClose(in, r.model(), 32);
    }

    @Test
    void rangeAndResizeStayFloat32() throws Exception {
        ModelBuilder b = ModelBuilder.create("r", 13).input("x", DataType.FLOAT, 1, 1, 4, 4)
                .initializer(Tensor.ofFloats("scales", new long[] {4}, new float[] {1, 1, 2, 2}))
                .initializer(Tensor.ofFloats("w", new long[] {1}, new float[] {0.5f}));
        b.node("Mul", List.of("x", "w"), List.of("m"));
        b.node("Resize", List.of("m", "", "scales"), List.of("y")).setAttr("mode", "nearest");
        Model in = b.output("y", DataType.FLOAT, 1, 1, 8, 8).build();
        PassResult r = apply(in, Map.of("target", "gpu"));
        assertThat(r.report().nodes()).anyMatch(n -> n.opType().equals("Resize") && n.action() == NodeAction.KEPT_FLOAT
                && n.reason().contains("scales"));
        float[] x = TinyModels.randn(new Random(1), 16, 1f);
        assertThat(Ort.run(r.model(), "x", x, 1, 1, 4, 4)).hasSize(64);
    }

    @Test
    void nonFloatModelHasNothingToDo() {
        ModelBuilder b = ModelBuilder.create("ints", 13).input("a", DataType.INT64, 4);
        b.node("Neg", List.of("a"), List.of("y"));
        Model m = b.output("y", DataType.INT64, 4).build();
        assertThatThrownBy(() -> apply(m, Map.of())).isInstanceOf(NothingToDoException.class);
    }

    @Test
    void deterministic() throws Exception {
        Model in = TinyModels.mlp(13, 16, 16, 4);
        assertThat(apply(in, Map.of("target", "gpu")).model().toProto().toByteArray())
                .isEqualTo(apply(in, Map.of("target", "gpu")).model().toProto().toByteArray());
    }
}
