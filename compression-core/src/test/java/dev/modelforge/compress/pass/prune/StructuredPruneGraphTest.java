package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.testing.Ort;
import dev.modelforge.compress.testing.TinyModels;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Graph surgery on hand-built graphs: the output runs in ORT with the expected shapes. */
class StructuredPruneGraphTest {

    static PassResult prune(Model m, Map<String, Object> params) throws Exception {
        StructuredPrunePass pass = new StructuredPrunePass();
        return pass.apply(m, PassContext.of(PassParams.resolve(pass, params)));
    }

    static float[] input(int n) {
        return TinyModels.randn(new Random(9), n, 1f);
    }

    @Test
    void residualAddPrunesBothBranchesAlike() throws Exception {
        PassResult r = prune(PruneGraphs.residual(), Map.of("ratio", 0.5, "multiple", 1));
        Model m = r.model();
        assertThat(m.graph().initializer("WA").orElseThrow().shape()).containsExactly(4, 4, 3, 3);
        assertThat(m.graph().initializer("g").orElseThrow().shape()).containsExactly(4);
        assertThat(m.graph().initializer("WB").orElseThrow().shape()).containsExactly(4, 4, 3, 3);
        assertThat(m.graph().initializer("WC").orElseThrow().shape()).containsExactly(4, 4, 1, 1);
        assertThat(m.graph().initializer("WD").orElseThrow().shape()).containsExactly(4, 4, 3, 3);
        assertThat(r.report().nodes()).anySatisfy(g -> assertThat(g.reason())
                .contains("Conv_3").contains("Conv_4").contains("channels 8 -> 4"));
        float[] y = Ort.run(m, "x", input(2 * 4 * 64), 2, 4, 8, 8);
        assertThat(y).hasSize(2 * 4 * 64);
    }

    @Test
    void concatSlicesTheConsumerPerSegment() throws Exception {
        Model m = prune(PruneGraphs.concat(), Map.of("ratio", 0.5, "multiple", 1)).model();
        assertThat(m.graph().initializer("W1").orElseThrow().shape()).containsExactly(4, 3, 3, 3);
        assertThat(m.graph().initializer("W2").orElseThrow().shape()).containsExactly(4, 3, 1, 1);
        assertThat(m.graph().initializer("W3").orElseThrow().shape()).containsExactly(4, 8, 3, 3);
        assertThat(Ort.run(m, "x", input(3 * 36), 1, 3, 6, 6)).hasSize(4 * 36);
    }

    @Test
    void depthwiseConvFollowsItsInputAndUpdatesGroup() throws Exception {
        Model m = prune(PruneGraphs.depthwise(), Map.of("ratio", 0.5, "multiple", 1)).model();
        assertThat(m.graph().initializer("WD").orElseThrow().shape()).containsExactly(4, 1, 3, 3);
        assertThat(m.graph().initializer("BD").orElseThrow().shape()).containsExactly(4);
        assertThat(m.graph().nodes().stream().filter(n -> n.attrInt("group", 1) > 1).findFirst().orElseThrow()
                .attrInt("group", 0)).isEqualTo(4);
        assertThat(m.graph().initializer("W2").orElseThrow().shape()).containsExactly(4, 4, 1, 1);
        assertThat(Ort.run(m, "x", input(3 * 36), 1, 3, 6, 6)).hasSize(4 * 36);
    }

    @Test
    void mlpPrunesHiddenNeuronsThroughBiasAndRelu() throws Exception {
        Model m = prune(TinyModels.mlp(13, 8, 16, 4), Map.of("ratio", 0.5, "multiple", 1)).model();
        assertThat(m.graph().initializer("W1").orElseThrow().shape()).containsExactly(8, 8);
        assertThat(m.graph().initializer("b1").orElseThrow().shape()).containsExactly(8);
        assertThat(m.graph().initializer("W2").orElseThrow().shape()).containsExactly(4, 8);
        assertThat(Ort.run(m, "x", input(3 * 8), 3, 8)).hasSize(3 * 4);
    }

    @Test
    void roundingKeepsAMultipleOfEight() throws Exception {
        PassResult r = prune(TinyModels.mlp(13, 8, 32, 4), Map.of("ratio", 0.3));
        // 32 * 0.7 = 22.4 → 23 → rounded up to 24
        assertThat(r.model().graph().initializer("W1").orElseThrow().shape()).containsExactly(8, 24);
    }

    @Test
    void nearestRoundingSnapsToTheCloserMultiple() throws Exception {
        PassResult r = prune(TinyModels.mlp(13, 8, 32, 4), Map.of("ratio", 0.3, "multiple", 16, "rounding", "nearest"));
        // 32 * 0.7 = 22.4 → 23 → nearest multiple of 16 is 16 (rounding up would keep all 32)
        assertThat(r.model().graph().initializer("W1").orElseThrow().shape()).containsExactly(8, 16);
    }

    @Test
    void removingAnAllZeroChannelChangesNoOutput() throws Exception {
        Model before = PruneGraphs.zeroChannel();
        PassResult r = prune(before, Map.of("ratio", 0.125, "multiple", 1));
        Model after = r.model();
        assertThat(after.graph().initializer("W1").orElseThrow().shape()).containsExactly(7, 3, 3, 3);
        float[] x = input(2 * 3 * 36);
        float[] a = Ort.run(before, "x", x, 2, 3, 6, 6);
        float[] b = Ort.run(after, "x", x, 2, 3, 6, 6);
        assertThat(b).containsExactly(a);
    }

    @Test
    void fixedBatchModelsAreRunOneBatchAtTheirSize() throws Exception {
        Model m = TinyModels.mlp(13, 8, 16, 4);
        // pin the batch dimension to 1, as many exported models do
        var in = m.graph().declaredInputs().get(0);
        var fixed = in.toBuilder();
        fixed.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clearDimParam().setDimValue(1);
        m.graph().setInput(0, fixed.build());
        java.nio.file.Path calib = java.nio.file.Files.createTempFile("calib", ".npz");
        try {
            float[] x = input(5 * 8);
            dev.modelforge.onnx.data.Npz.write(calib, Map.of("x", dev.modelforge.onnx.data.NdArray.ofFloats(x, 5, 8)));
            StructuredPrunePass pass = new StructuredPrunePass();
            Model out = pass.apply(m, new PassContext(PassParams.resolve(pass, Map.of("ratio", 0.5, "multiple", 1)),
                    java.util.Optional.of(calib), dev.modelforge.compress.pass.ProgressListener.NONE, 1, null)).model();
            assertThat(out.graph().initializer("W1").orElseThrow().shape()).containsExactly(8, 8);
            assertThat(Ort.run(out, "x", input(8), 1, 8)).hasSize(4);
        } finally {
            java.nio.file.Files.deleteIfExists(calib);
        }
    }

    @Test
    void splitThroughAGroupLeavesItAloneWithTheReason() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> prune(PruneGraphs.split(), Map.of("ratio", 0.5)))
                .isInstanceOf(dev.modelforge.compress.pass.NothingToDoException.class)
                .hasMessageContaining("Split").hasMessageContaining("cuts through");
    }

    @Test
    void unfollowableGroupsAreLeftAloneWithTheReason() throws Exception {
        // a single MatMul whose output is the graph output: nothing can be pruned
        Model m = TinyModels.matmul3d(13, 8, 16);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> prune(m, Map.of("ratio", 0.5)))
                .isInstanceOf(dev.modelforge.compress.pass.NothingToDoException.class)
                .hasMessageContaining("graph output");
    }
}
