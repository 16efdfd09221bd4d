package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Visits every TensorProto of a graph: initializers, sparse initializers, node attributes and subgraphs. */
final class TensorWalker {

    private TensorWalker() {
    }

    static void forEach(OnnxMl.GraphProto g, Consumer<OnnxMl.TensorProto> visitor) {
        g.getInitializerList().forEach(visitor);
        for (OnnxMl.SparseTensorProto s : g.getSparseInitializerList()) {
            visitor.accept(s.getValues());
            visitor.accept(s.getIndices());
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    visitor.accept(a.getT());
                }
                a.getTensorsList().forEach(visitor);
                if (a.hasG()) {
                    forEach(a.getG(), visitor);
                }
                a.getGraphsList().forEach(sub -> forEach(sub, visitor));
            }
        }
    }

    static OnnxMl.GraphProto mapTensors(OnnxMl.GraphProto g, UnaryOperator<OnnxMl.TensorProto> f) {
        return mapTensors(g, f, true);
    }

    /** Like {@link #mapTensors(OnnxMl.GraphProto, UnaryOperator)} but leaves this graph's dense initializers alone. */
    static OnnxMl.GraphProto mapTensorsExceptInitializers(OnnxMl.GraphProto g, UnaryOperator<OnnxMl.TensorProto> f) {
        return mapTensors(g, f, false);
    }

    private static OnnxMl.GraphProto mapTensors(OnnxMl.GraphProto g, UnaryOperator<OnnxMl.TensorProto> f,
            boolean initializers) {
        OnnxMl.GraphProto.Builder b = g.toBuilder();
        for (int i = 0; initializers && i < b.getInitializerCount(); i++) {
            b.setInitializer(i, f.apply(b.getInitializer(i)));
        }
        for (int i = 0; i < b.getSparseInitializerCount(); i++) {
            OnnxMl.SparseTensorProto s = b.getSparseInitializer(i);
            b.setSparseInitializer(i, s.toBuilder().setValues(f.apply(s.getValues()))
                    .setIndices(f.apply(s.getIndices())).build());
        }
        for (int i = 0; i < b.getNodeCount(); i++) {
            OnnxMl.NodeProto.Builder nb = b.getNode(i).toBuilder();
            for (int j = 0; j < nb.getAttributeCount(); j++) {
                OnnxMl.AttributeProto.Builder ab = nb.getAttribute(j).toBuilder();
                if (ab.hasT()) {
                    ab.setT(f.apply(ab.getT()));
                }
                for (int k = 0; k < ab.getTensorsCount(); k++) {
                    ab.setTensors(k, f.apply(ab.getTensors(k)));
                }
                if (ab.hasG()) {
                    ab.setG(mapTensors(ab.getG(), f));
                }
                for (int k = 0; k < ab.getGraphsCount(); k++) {
                    ab.setGraphs(k, mapTensors(ab.getGraphs(k), f));
                }
                nb.setAttribute(j, ab.build());
            }
            b.setNode(i, nb.build());
        }
        return b.build();
    }

    /** Bytes of tensor data held inline (raw_data and typed fields), as a long so it cannot overflow. */
    static long inlineBytes(OnnxMl.GraphProto g) {
        long[] total = {0};
        forEach(g, t -> total[0] += t.getRawData().size()
                + 4L * (t.getFloatDataCount() + t.getInt32DataCount())
                + 8L * (t.getInt64DataCount() + t.getDoubleDataCount() + t.getUint64DataCount()));
        return total[0];
    }
}
