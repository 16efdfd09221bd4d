package dev.modelforge.compress.pass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.qdq.OrtHarness;
import dev.modelforge.compress.pass.qdq.ProtoGraph;
import dev.modelforge.compress.testing.ThirdPartyModels;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each op converter of {@link Opsets#requireDefault}: ONNX Runtime runs the old-opset graph (with its own
 * implementation of the old op) and the upgraded one on the same random input, and the outputs must agree
 * (bit for bit where the arithmetic is the same, else within float rounding).
 */
class OpsetUpgradeTest {

    private static final float TOLERANCE = 1e-6f;

    /** Upgrades {@code old} to {@code to}, checks the outputs agree, and returns the upgraded model. */
    private static OnnxMl.ModelProto assertSameMeaning(OnnxMl.ModelProto old, long to, long... shape) throws Exception {
        int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] x = ProtoGraph.random(shape.length * 31L + n, n, 3f);
        float[] expected = OrtHarness.run(old, "x", x, shape);
        Model m = Model.fromProto(old, null);
        Optional<String> note = Opsets.requireDefault(m, to, "test");
        assertThat(note).get().asString().contains("raised from " + old.getOpsetImport(0).getVersion() + " to " + to);
        OnnxMl.ModelProto upgraded = m.toProto();
        float[] actual = OrtHarness.run(upgraded, "x", x, shape);
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).as("max |old - upgraded|").isLessThanOrEqualTo(TOLERANCE);
        return upgraded;
    }

    private static OnnxMl.NodeProto only(OnnxMl.ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).findFirst().orElseThrow();
    }

    private static boolean hasAttr(OnnxMl.NodeProto n, String attr) {
        return n.getAttributeList().stream().anyMatch(a -> a.getName().equals(attr));
    }

    @Test
    void clipAttributesBecomeInputs() throws Exception {
        OnnxMl.ModelProto both = new ProtoGraph(9).input("x", 2, 8)
                .node("Clip", "c", new String[] {"x"}, new String[] {"y"}, "min", 0f, "max", 6f).output("y").build();
        OnnxMl.NodeProto clip = only(assertSameMeaning(both, 13, 2, 8), "Clip");
        assertThat(clip.getInputCount()).isEqualTo(3);
        assertThat(clip.getAttributeCount()).isZero();
        OnnxMl.ModelProto maxOnly = new ProtoGraph(9).input("x", 2, 8)
                .node("Clip", "c", new String[] {"x"}, new String[] {"y"}, "max", 0.5f).output("y").build();
        assertThat(only(assertSameMeaning(maxOnly, 13, 2, 8), "Clip").getInputList()).containsExactly("x", "", "c_max");
    }

    @Test
    void sliceAttributesBecomeInputs() throws Exception {
        OnnxMl.ModelProto withAxes = new ProtoGraph(9).input("x", 4, 6, 5)
                .node("Slice", "s", new String[] {"x"}, new String[] {"y"}, "starts", new long[] {1, -4},
                        "ends", new long[] {3, 1000}, "axes", new long[] {0, 2}).output("y").build();
        assertThat(only(assertSameMeaning(withAxes, 13, 4, 6, 5), "Slice").getInputCount()).isEqualTo(4);
        OnnxMl.ModelProto noAxes = new ProtoGraph(9).input("x", 4, 6)
                .node("Slice", "s", new String[] {"x"}, new String[] {"y"}, "starts", new long[] {0, 2},
                        "ends", new long[] {-1, 5}).output("y").build();
        assertThat(only(assertSameMeaning(noAxes, 13, 4, 6), "Slice").getInputCount()).isEqualTo(3);
    }

    @Test
    void squeezeUnsqueezeReduceSumAndSplitTakeTheirAxesAsInputs() throws Exception {
        OnnxMl.ModelProto m = new ProtoGraph(11).input("x", 2, 1, 6)
                .node("Squeeze", "sq", new String[] {"x"}, new String[] {"a"}, "axes", new long[] {1})
                .node("Unsqueeze", "un", new String[] {"a"}, new String[] {"b"}, "axes", new long[] {0, 3})
                .node("Split", "sp", new String[] {"b"}, new String[] {"c", "d"}, "axis", 2L, "split", new long[] {2, 4})
                .node("ReduceSum", "rs", new String[] {"d"}, new String[] {"e"}, "axes", new long[] {2}, "keepdims", 1L)
                .node("Mul", "m", new String[] {"c", "e"}, new String[] {"y"}).output("y").build();
        OnnxMl.ModelProto up = assertSameMeaning(m, 13, 2, 1, 6);
        for (String op : new String[] {"Squeeze", "Unsqueeze", "ReduceSum"}) {
            assertThat(hasAttr(only(up, op), "axes")).as(op).isFalse();
            assertThat(only(up, op).getInputCount()).as(op).isEqualTo(2);
        }
        assertThat(only(up, "Split").getInputCount()).isEqualTo(2);

        OnnxMl.ModelProto equal = new ProtoGraph(11).input("x", 2, 6)
                .node("Split", "sp", new String[] {"x"}, new String[] {"c", "d"}, "axis", 1L)
                .node("ReduceMean", "rm", new String[] {"d"}, new String[] {"e"}, "axes", new long[] {1})
                .node("Sub", "s", new String[] {"c", "e"}, new String[] {"y"}).output("y").build();
        OnnxMl.ModelProto up18 = assertSameMeaning(equal, 18, 2, 6);
        assertThat(only(up18, "Split").getAttributeList()).anyMatch(a -> a.getName().equals("num_outputs") && a.getI() == 2);
        assertThat(hasAttr(only(up18, "ReduceMean"), "axes")).isFalse();
    }

    @Test
    void softmaxFamilyKeepsTheOldFlattenedMeaning() throws Exception {
        for (String op : new String[] {"Softmax", "LogSoftmax", "Hardmax"}) {
            // axis 1 of a rank-3 tensor: before 13 the normalisation ran over dims 1 and 2 together
            OnnxMl.ModelProto inner = new ProtoGraph(11).input("x", 2, 3, 4)
                    .node(op, "sm", new String[] {"x"}, new String[] {"y"}, "axis", 1L).output("y").build();
            OnnxMl.ModelProto up = assertSameMeaning(inner, 13, 2, 3, 4);
            assertThat(up.getGraph().getNodeList()).extracting(OnnxMl.NodeProto::getOpType).as(op)
                    .containsExactly("Shape", "Flatten", op, "Reshape");
            // the default axis (1) of a rank-2 tensor is its last: nothing to spell out
            OnnxMl.ModelProto last = new ProtoGraph(9).input("x", 5, 7)
                    .node(op, "sm", new String[] {"x"}, new String[] {"y"}).output("y").build();
            assertThat(assertSameMeaning(last, 13, 5, 7).getGraph().getNodeList()).extracting(OnnxMl.NodeProto::getOpType)
                    .as(op).containsExactly(op);
        }
        // the old meaning differs from per-axis normalisation: the test would catch a converter that only renumbered
        OnnxMl.ModelProto naive = new ProtoGraph(13).input("x", 2, 3, 4)
                .node("Softmax", "sm", new String[] {"x"}, new String[] {"y"}, "axis", 1L).output("y").build();
        OnnxMl.ModelProto old = new ProtoGraph(11).input("x", 2, 3, 4)
                .node("Softmax", "sm", new String[] {"x"}, new String[] {"y"}, "axis", 1L).output("y").build();
        float[] x = ProtoGraph.random(5, 24, 3f);
        assertThat(OrtHarness.maxAbsDiff(OrtHarness.run(naive, "x", x, 2, 3, 4), OrtHarness.run(old, "x", x, 2, 3, 4)))
                .isGreaterThan(0.01f);
    }

    @Test
    void padAttributesBecomeInputs() throws Exception {
        OnnxMl.ModelProto constant = new ProtoGraph(10).input("x", 1, 2, 3, 3)
                .node("Pad", "p", new String[] {"x"}, new String[] {"y"}, "pads", new long[] {0, 0, 1, 2, 0, 0, 2, 1},
                        "value", 1.5f).output("y").build();
        assertThat(only(assertSameMeaning(constant, 13, 1, 2, 3, 3), "Pad").getInputCount()).isEqualTo(3);
        OnnxMl.ModelProto reflect = new ProtoGraph(10).input("x", 1, 2, 4, 4)
                .node("Pad", "p", new String[] {"x"}, new String[] {"y"}, "pads", new long[] {0, 0, 1, 1, 0, 0, 2, 1},
                        "mode", "reflect").output("y").build();
        assertSameMeaning(reflect, 13, 1, 2, 4, 4);
    }

    @Test
    void resize10AndUpsampleBecomeResize13() throws Exception {
        OnnxMl.ModelProto up = new ProtoGraph(10).input("x", 1, 2, 3, 5)
                .initializer("s", new float[] {1, 1, 2, 3}, 4)
                .node("Resize", "r", new String[] {"x", "s"}, new String[] {"y"}, "mode", "nearest").output("y").build();
        OnnxMl.NodeProto r = only(assertSameMeaning(up, 13, 1, 2, 3, 5), "Resize");
        assertThat(r.getInputList()).containsExactly("x", "", "s");
        OnnxMl.ModelProto down = new ProtoGraph(10).input("x", 1, 2, 8, 6)
                .initializer("s", new float[] {1, 1, 0.5f, 0.34f}, 4)
                .node("Resize", "r", new String[] {"x", "s"}, new String[] {"y"}, "mode", "nearest").output("y").build();
        assertSameMeaning(down, 13, 1, 2, 8, 6);
        OnnxMl.ModelProto linear = new ProtoGraph(10).input("x", 1, 2, 3, 5)
                .initializer("s", new float[] {1, 1, 2, 2}, 4)
                .node("Resize", "r", new String[] {"x", "s"}, new String[] {"y"}, "mode", "linear").output("y").build();
        assertSameMeaning(linear, 13, 1, 2, 3, 5);
        assertSameMeaning(linear, 11, 1, 2, 3, 5);

        OnnxMl.ModelProto upsample7 = new ProtoGraph(7).input("x", 1, 2, 3, 5)
                .node("Upsample", "u", new String[] {"x"}, new String[] {"y"}, "scales", new float[] {1, 1, 2, 2})
                .output("y").build();
        assertThat(only(assertSameMeaning(upsample7, 13, 1, 2, 3, 5), "Resize").getInputCount()).isEqualTo(3);
        OnnxMl.ModelProto upsample9 = new ProtoGraph(9).input("x", 1, 2, 3, 5)
                .initializer("s", new float[] {1, 1, 2, 2}, 4)
                .node("Upsample", "u", new String[] {"x", "s"}, new String[] {"y"}, "mode", "linear").output("y").build();
        assertSameMeaning(upsample9, 13, 1, 2, 3, 5);

        OnnxMl.ModelProto det = new ProtoGraph(11).input("x", 1, 2, 3, 5) // PaddleOCR det's form
                .initializer("roi", new float[0], 0).initializer("s", new float[] {1, 1, 2, 2}, 4)
                .node("Resize", "r", new String[] {"x", "roi", "s"}, new String[] {"y"}, "mode", "nearest",
                        "coordinate_transformation_mode", "asymmetric", "nearest_mode", "floor").output("y").build();
        assertSameMeaning(det, 13, 1, 2, 3, 5);
    }

    @Test
    void topKDropoutAndBatchNormKeepTheirMeaning() throws Exception {
        OnnxMl.ModelProto m = new ProtoGraph(9).input("x", 2, 3, 4, 4)
                .initializer("g", new float[] {1, 2, 0.5f}, 3).initializer("b", new float[] {0, 1, -1}, 3)
                .initializer("mu", new float[] {0.1f, -0.2f, 0}, 3).initializer("var", new float[] {1, 2, 0.5f}, 3)
                .node("BatchNormalization", "bn", new String[] {"x", "g", "b", "mu", "var"}, new String[] {"a"})
                .node("Dropout", "d", new String[] {"a"}, new String[] {"c"}, "ratio", 0.3f)
                .node("TopK", "t", new String[] {"c"}, new String[] {"y", "i"}, "k", 2L).output("y").build();
        OnnxMl.ModelProto up = assertSameMeaning(m, 13, 2, 3, 4, 4);
        assertThat(only(up, "TopK").getInputCount()).isEqualTo(2);
        assertThat(up.getGraph().getNodeList()).extracting(OnnxMl.NodeProto::getOpType).contains("Identity")
                .doesNotContain("Dropout");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"ppocr-mobile-v2-cls, 2, 48, 192", "ppocr-v4-det, 1, 96, 64"})
    void paddleOcrModelsKeepTheirOutputsWhenUpgraded(String id, long batch, long h, long w) throws Exception {
        java.nio.file.Path file = ThirdPartyModels.resolve(ThirdPartyModels.byId(id));
        OnnxMl.ModelProto old = dev.modelforge.onnx.OnnxFiles.read(file);
        Model m = Model.fromProto(old, file.getParent());
        assertThat(Opsets.requireDefault(m, 13, "test")).get().asString().contains("rewritten");
        int n = (int) (batch * 3 * h * w);
        float[] x = ProtoGraph.random(7, n, 2f);
        float[] expected = OrtHarness.run(old, "x", x, batch, 3, h, w);
        float[] actual = OrtHarness.run(m.toProto(), "x", x, batch, 3, h, w);
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(OrtHarness.maxAbsDiff(expected, actual)).as(id).isLessThanOrEqualTo(1e-5f);
    }

    @Test
    void nodesWhoseMeaningCannotBeKeptAreRefusedByName() {
        OnnxMl.ModelProto mixed = new ProtoGraph(10).input("x", 1, 2, 4, 4)
                .initializer("s", new float[] {1, 1, 2, 0.5f}, 4)
                .node("Resize", "r", new String[] {"x", "s"}, new String[] {"y"}).output("y").build();
        assertThatThrownBy(() -> Opsets.requireDefault(Model.fromProto(mixed, null), 13, "test"))
                .isInstanceOf(PassException.class).hasMessageContaining("Resize (nearest) whose scales");
        OnnxMl.ModelProto computed = new ProtoGraph(9).input("x", 1, 2, 4, 4).input("s", 4)
                .node("Upsample", "u", new String[] {"x", "s"}, new String[] {"y"}).output("y").build();
        assertThatThrownBy(() -> Opsets.requireDefault(Model.fromProto(computed, null), 13, "test"))
                .isInstanceOf(PassException.class).hasMessageContaining("Upsample (nearest) whose scales are not constant");
        OnnxMl.ModelProto unknown = new ProtoGraph(9).input("x", 1, 2, 4, 4)
                .node("MeanVarianceNormalization", "m", new String[] {"x"}, new String[] {"y"}).output("y").build();
        Model untouched = Model.fromProto(unknown, null);
        assertThatThrownBy(() -> Opsets.requireDefault(untouched, 13, "test"))
                .isInstanceOf(PassException.class).hasMessageContaining("MeanVarianceNormalization (not in the upgrade table)");
        assertThat(untouched.defaultOpset()).isEqualTo(9);
    }
}
