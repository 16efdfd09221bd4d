package dev.modelforge.compress.pass.prune;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.NothingToDoException;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.testing.GeneratedInputs;
import dev.modelforge.compress.testing.Ort;
import dev.modelforge.compress.testing.ThirdPartyModel;
import dev.modelforge.compress.testing.ThirdPartyModels;
import dev.modelforge.compress.validate.OrtSessions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.modelforge.compress.pass.prune.StructuredPruneGraphTest.input;
import static dev.modelforge.compress.pass.prune.StructuredPruneGraphTest.prune;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Attention whose Reshape shapes are computed at run time (Shape → Gather → Unsqueeze → Concat). */
class DynamicReshapePruneTest {
    @TempDir
    Path tmp;

    static long[] shape(Model m, String init) {
        return m.graph().initializer(init).orElseThrow().shape();
    }

    @Test
    void headsArePrunedThroughComputedShapesAndTheModelRunsAtOtherSizes() throws Exception {
        PassResult r = prune(AttentionGraphs.dynamic(false, false), Map.of("ratio", 0.5, "multiple", 1));
        Model m = r.model();
        for (String w : new String[]{"Wq", "Wk", "Wv"}) {
            assertThat(shape(m, w)).containsExactly(8, 4);
        }
        assertThat(shape(m, "WO")).containsExactly(4, 8);
        assertThat(r.report().nodes()).anySatisfy(g -> {
            assertThat(g.node()).endsWith("#heads");
            assertThat(g.reason()).contains("channels 2 -> 1");
        });
        // the probe ran at batch 2, sequence 1; the pruned model must take any batch and sequence
        assertThat(Ort.run(m, "x", input(3 * 5 * 8), 3, 5, 8)).hasSize(3 * 5 * 8);
        assertThat(Ort.run(m, "x", input(8), 1, 1, 8)).hasSize(8);
    }

    @Test
    void removingAHeadThatCarriesNothingChangesNoOutput() throws Exception {
        Model before = AttentionGraphs.dynamic(true, false);
        Model after = prune(before, Map.of("ratio", 0.5, "multiple", 1)).model();
        assertThat(shape(after, "Wv")).containsExactly(8, 4);
        float[] x = input(2 * 6 * 8);
        float[] a = Ort.run(before, "x", x, 2, 6, 8);
        float[] b = Ort.run(after, "x", x, 2, 6, 8);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).as("output %d", i).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void aHeadSizeReadFromTheShapeLeavesTheHeadsAloneWithTheReason() {
        // nothing else is prunable here (the output MatMul is the graph output): a clean refusal, no model
        assertThatThrownBy(() -> prune(AttentionGraphs.dynamic(false, true), Map.of("ratio", 0.5, "multiple", 1)))
                .isInstanceOf(NothingToDoException.class)
                .hasMessageContaining("Shape").hasMessageContaining("at the channel axis");
    }

    @Test
    void miniLmHeadsAndFfnArePrunedThroughItsComputedReshapes() throws Exception {
        ThirdPartyModel tp = ThirdPartyModels.byId("all-minilm-l6-v2");
        Path path = ThirdPartyModels.resolve(tp);
        PassResult r = prune(ModelFiles.read(path), Map.of("ratio", 0.25));
        var groups = r.report().nodes();
        // 6 layers: 12 heads -> 9 each, FFN width 1536 -> 1152 each; the 384-wide residual stream stays
        assertThat(groups.stream().filter(g -> g.node().endsWith("#heads") && g.action() == NodeAction.CONVERTED
                && g.reason().contains("channels 12 -> 9"))).hasSize(6);
        assertThat(groups.stream().filter(g -> g.action() == NodeAction.CONVERTED
                && g.reason().contains("channels 1536 -> 1152"))).hasSize(6);
        Path out = tmp.resolve("minilm-pruned.onnx");
        ModelFiles.write(r.model(), out);
        try (OrtSession s = OrtSessions.open(out, 1, null); OrtSession ref = OrtSessions.open(path, 1, null)) {
            var in = GeneratedInputs.create(OrtSessions.env(), ref, tp);
            try (var a = ref.run(in); var b = s.run(in)) {
                assertThat(((OnnxTensor) b.get(0)).getInfo().getShape())
                        .isEqualTo(((OnnxTensor) a.get(0)).getInfo().getShape());
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }
}
