package dev.modelforge.compress.pass.qdq;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds tiny ONNX models in tests, straight on the protobuf (float tensors, default domain). */
public final class ProtoGraph {

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("test");
    private final long opset;
    private int nodeCount;

    public ProtoGraph(long opset) {
        this.opset = opset;
    }

    /** A float input; a negative dim becomes the symbolic batch dimension. */
    public ProtoGraph input(String name, long... dims) {
        graph.addInput(valueInfo(name, dims));
        return this;
    }

    /** A float output without shape. */
    public ProtoGraph output(String name) {
        graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))));
        return this;
    }

    public ProtoGraph initializer(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return this;
    }

    public ProtoGraph int64Initializer(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(7)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return this;
    }

    /** Adds a node; attributes as name/value pairs (Long, Float, long[], float[] or String). */
    public ProtoGraph node(String op, String name, String[] inputs, String[] outputs, Object... attrs) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op)
                .setName(name == null ? op + "_" + nodeCount : name);
        nodeCount++;
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        for (int i = 0; i < attrs.length; i += 2) {
            OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName((String) attrs[i]);
            Object v = attrs[i + 1];
            if (v instanceof Long l) {
                a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
            } else if (v instanceof Integer l) {
                a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
            } else if (v instanceof Float f) {
                a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(f);
            } else if (v instanceof long[] ls) {
                a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
                for (long l : ls) {
                    a.addInts(l);
                }
            } else if (v instanceof float[] fs) {
                a.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
                for (float f : fs) {
                    a.addFloats(f);
                }
            } else if (v instanceof String s) {
                a.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
            } else {
                throw new IllegalArgumentException("attribute type " + v);
            }
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    public OnnxMl.ModelProto build() {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    /** Deterministic pseudo-random floats in [-scale, scale]. */
    public static float[] random(long seed, int n, float scale) {
        java.util.Random r = new java.util.Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return out;
    }
}
