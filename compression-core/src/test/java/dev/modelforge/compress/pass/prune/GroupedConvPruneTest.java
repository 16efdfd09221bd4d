package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.pass.PassResult;
import dev.modelforge.compress.testing.Ort;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.modelforge.compress.pass.prune.StructuredPruneGraphTest.input;
import static dev.modelforge.compress.pass.prune.StructuredPruneGraphTest.prune;
import static org.assertj.core.api.Assertions.assertThat;

/** Grouped Conv (1 < group < channels): channels leave every group evenly, the group count stays. */
class GroupedConvPruneTest {

    static Node groupedNode(Model m) {
        return m.graph().nodes().stream().filter(n -> n.attrInt("group", 1) > 1).findFirst().orElseThrow();
    }

    @Test
    void groupedConvLosesTheSameChannelsInEachGroupAndRunsInOrt() throws Exception {
        PassResult r = prune(PruneGraphs.grouped(false), Map.of("ratio", 0.5, "multiple", 1));
        Model m = r.model();
        // the producer's 8 channels feed 2 groups of 4: 2 stay in each group
        assertThat(m.graph().initializer("W1").orElseThrow().shape()).containsExactly(4, 4, 3, 3);
        assertThat(m.graph().initializer("WG").orElseThrow().shape()).containsExactly(4, 2, 3, 3);
        assertThat(m.graph().initializer("BG").orElseThrow().shape()).containsExactly(4);
        assertThat(groupedNode(m).attrInt("group", 0)).isEqualTo(2);
        assertThat(m.graph().initializer("W2").orElseThrow().shape()).containsExactly(4, 4, 1, 1);
        assertThat(r.report().nodes()).anySatisfy(g -> assertThat(g.reason())
                .contains("evenly in 2 Conv groups").contains("channels 8 -> 4"));
        assertThat(Ort.run(m, "x", input(2 * 4 * 36), 2, 4, 6, 6)).hasSize(2 * 4 * 36);
    }

    @Test
    void removingAllZeroChannelsOfBothGroupsChangesNoOutput() throws Exception {
        Model before = PruneGraphs.grouped(true);
        Model after = prune(before, Map.of("ratio", 0.25, "multiple", 1)).model();
        assertThat(after.graph().initializer("W1").orElseThrow().shape()).containsExactly(6, 4, 3, 3);
        assertThat(after.graph().initializer("WG").orElseThrow().shape()).containsExactly(6, 3, 3, 3);
        assertThat(groupedNode(after).attrInt("group", 0)).isEqualTo(2);
        float[] x = input(2 * 4 * 36);
        float[] a = Ort.run(before, "x", x, 2, 4, 6, 6);
        float[] b = Ort.run(after, "x", x, 2, 4, 6, 6);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).as("output %d", i).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void roundingRespectsTheGroupsAsWellAsTheMultiple() throws Exception {
        // 8 * 0.6 = 4.8 -> 5 channels cannot split evenly into 2 groups: rounded up to 6, 3 per group
        Model m = prune(PruneGraphs.grouped(false), Map.of("ratio", 0.4, "multiple", 1)).model();
        assertThat(m.graph().initializer("W1").orElseThrow().shape()).containsExactly(6, 4, 3, 3);
        assertThat(m.graph().initializer("WG").orElseThrow().shape()).containsExactly(6, 3, 3, 3);
        // with multiple 4 and rounding to the nearest: 4.8 -> 5 -> 4 (2 per group)
        Model n = prune(PruneGraphs.grouped(false), Map.of("ratio", 0.4, "multiple", 4, "rounding", "nearest")).model();
        assertThat(n.graph().initializer("WG").orElseThrow().shape()).containsExactly(4, 2, 3, 3);
    }

    @Test
    void depthwiseMultiplierInputsAreLeftAloneWithTheReason() throws Exception {
        Model before = PruneGraphs.depthwiseMultiplier();
        PassResult r = prune(before, Map.of("ratio", 0.5, "multiple", 1));
        Model m = r.model();
        // one input channel per group: Conv1's channels could only go with whole groups, so they stay
        assertThat(m.graph().initializer("W1").orElseThrow().shape()).containsExactly(4, 3, 3, 3);
        assertThat(r.report().nodes()).anySatisfy(g -> assertThat(g.reason()).contains("left alone")
                .contains("one input channel per group"));
        // its own 8 outputs (4 groups of 2) lose one per group
        assertThat(m.graph().initializer("WM").orElseThrow().shape()).containsExactly(4, 1, 3, 3);
        assertThat(groupedNode(m).attrInt("group", 0)).isEqualTo(4);
        assertThat(Ort.run(m, "x", input(3 * 36), 1, 3, 6, 6)).hasSize(4 * 36);
    }
}
