package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.modelforge.compress.testing.Ort;
import dev.modelforge.compress.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IrTest {
    @TempDir
    Path tmp;

    @Test
    void float16RoundTripsAndRoundsToNearestEven() {
        for (float f : new float[] {0f, -0f, 1f, -2.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 0.1f, 3.14159f}) {
            float back = Float16.toFloat(Float16.fromFloat(f));
            assertThat(back).as("%s", f).isCloseTo(f, org.assertj.core.data.Offset.offset(Math.abs(f) * 1e-3f + 1e-7f));
        }
        assertThat(Float16.fromFloat(65520f)).isEqualTo((short) 0x7c00);
        assertThat(Float16.fromFloat(1f)).isEqualTo((short) 0x3c00);
        // 1 + 2^-11 is exactly halfway between 1 and the next half: ties go to even (1.0).
        assertThat(Float16.fromFloat(1f + (float) Math.pow(2, -11))).isEqualTo((short) 0x3c00);
        assertThat(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN)))).isTrue();
    }

    @Test
    void tensorsDecodeRawAndTypedFields() {
        OnnxMl.TensorProto typed = OnnxMl.TensorProto.newBuilder().setName("t").setDataType(1).addDims(2).addDims(2)
                .addFloatData(1).addFloatData(2).addFloatData(3).addFloatData(4).build();
        Tensor t = TensorDecoding.decode(typed, null);
        assertThat(t.floats()).containsExactly(1, 2, 3, 4);
        assertThat(t.toProto().getRawData().size()).isEqualTo(16);
        OnnxMl.TensorProto i8 = OnnxMl.TensorProto.newBuilder().setName("q").setDataType(3).addDims(3)
                .addInt32Data(-1).addInt32Data(5).addInt32Data(-128).build();
        assertThat(TensorDecoding.decode(i8, null).bytes()).containsExactly(-1, 5, -128);
        OnnxMl.TensorProto rawProto = Tensor.ofInt64("l", new long[] {2}, new long[] {7, -9}).toProto();
        Tensor raw = TensorDecoding.decode(rawProto, null);
        assertThat(raw.longs()).containsExactly(7, -9);
        // Unchanged weights are written back from the bytes they were read from, not copied again.
        assertThat(raw.withName("l2").toProto().getRawData()).isSameAs(rawProto.getRawData());
        OnnxMl.TensorProto strings = OnnxMl.TensorProto.newBuilder().setName("s").setDataType(8).addDims(1)
                .addStringData(ByteString.copyFromUtf8("x")).build();
        assertThat(TensorDecoding.decode(strings, null).toProto()).isEqualTo(strings);
    }

    @Test
    void externalDataIsWrittenAndMappedBack() throws Exception {
        Model m = TinyModels.mlp(13, 32, 64, 10);
        Path f = tmp.resolve("m.onnx");
        ModelFiles.write(m, f, "m.onnx.data", 0);
        assertThat(tmp.resolve("m.onnx.data")).exists();
        assertThat(Files.size(f)).isLessThan(m.graph().initializerBytes() / 2);
        Model back = ModelFiles.read(f);
        assertThat(back.graph().initializer("W1").orElseThrow().floats())
                .containsExactly(m.graph().initializer("W1").orElseThrow().floats());
        float[] x = TinyModels.randn(new Random(1), 2 * 32, 1f);
        assertThat(Ort.run(back, "x", x, 2, 32)).containsExactly(Ort.run(m, "x", x, 2, 32));
    }

    @Test
    void constantNodesBecomeInitializersButConstantOutputsStayNodes() {
        OnnxMl.TensorProto w = Tensor.ofFloats("ignored", new long[] {2, 2}, new float[] {1, 2, 3, 4}).toProto();
        OnnxMl.GraphProto g = OnnxMl.GraphProto.newBuilder().setName("g")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Constant").addOutput("W")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value").setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(w)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Constant").addOutput("c")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value_float").setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(2f)))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("W").addOutput("y"))
                .addInput(ModelBuilder.valueInfo("x", DataType.FLOAT, 1, 2))
                .addOutput(ModelBuilder.valueInfo("y", DataType.FLOAT, 1, 2))
                .addOutput(ModelBuilder.valueInfo("c", DataType.FLOAT)).build();
        Model m = Model.fromProto(OnnxMl.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).build(), null);
        assertThat(m.graph().initializer("W")).isPresent();
        assertThat(m.graph().initializer("W").orElseThrow().floats()).containsExactly(1, 2, 3, 4);
        assertThat(m.graph().nodes()).extracting(Node::opType).containsExactly("Constant", "MatMul");
    }

    @Test
    void topologicalSortIsStableAndDetectsCycles() {
        Graph g = new Graph("g");
        Node b = g.addNode(Node.of("b", "Relu", List.of("a1"), List.of("b1")));
        Node a = g.addNode(Node.of("a", "Relu", List.of("x"), List.of("a1")));
        Node c = g.addNode(Node.of("c", "Relu", List.of("x"), List.of("c1")));
        g.sortTopologically();
        assertThat(g.nodes()).containsExactly(a, b, c);
        g.addNode(Node.of("d", "Add", List.of("e1", "c1"), List.of("d1")));
        g.addNode(Node.of("e", "Relu", List.of("d1"), List.of("e1")));
        assertThatThrownBy(g::sortTopologically).hasMessageContaining("cycle");
    }

    @Test
    void uniqueNamesAreDeterministic() {
        Model m = TinyModels.mlp(13, 4, 4, 2);
        assertThat(m.copy().graph().uniqueName("W1")).isEqualTo("W1_1");
        assertThat(m.copy().graph().uniqueName("W1")).isEqualTo("W1_1");
        Graph g = m.graph();
        assertThat(g.uniqueName("fresh")).isEqualTo("fresh");
        assertThat(g.uniqueName("fresh")).isEqualTo("fresh_1");
    }

    @Test
    void copyIsIndependentAndSerialisationIsStable() {
        Model m = TinyModels.mlp(13, 8, 8, 2);
        byte[] before = m.toProto().toByteArray();
        Model c = m.copy();
        c.graph().removeNode(c.graph().nodes().get(2));
        c.setOpset("", 17);
        assertThat(m.toProto().toByteArray()).isEqualTo(before);
        assertThat(m.toProto().toByteArray()).isEqualTo(m.toProto().toByteArray());
    }

    @Test
    void implicitSubgraphInputsCountAsUses() {
        OnnxMl.GraphProto body = OnnxMl.GraphProto.newBuilder().setName("then")
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("W").addOutput("z"))
                .addOutput(ModelBuilder.valueInfo("z", DataType.FLOAT, 2)).build();
        Model m = ModelBuilder.create("g", 13).input("x", DataType.FLOAT, 2).input("cond", DataType.BOOL)
                .initializer(Tensor.ofFloats("W", new long[] {2}, new float[] {1, 2})).build();
        Node iff = m.graph().addNode(Node.of("if", "If", List.of("cond"), List.of("y")));
        iff.setAttr(OnnxMl.AttributeProto.newBuilder().setName("then_branch").setType(OnnxMl.AttributeProto.AttributeType.GRAPH).setG(body).build());
        assertThat(m.graph().consumers("W")).containsExactly(iff);
        assertThat(m.graph().removeUnusedInitializers()).isEmpty();
    }
}
