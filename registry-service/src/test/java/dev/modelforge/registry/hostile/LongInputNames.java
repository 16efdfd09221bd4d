package dev.modelforge.registry.hostile;

import ai.onnx.proto.OnnxMl;

/**
 * The model: y = Sum(x0 … x19), every input named with 60,000 characters — 1.2 MB of names that would
 * travel in every event about the version (2.4 MB of model, as the node repeats them).
 */
final class LongInputNames {
    static final int INPUTS = 20;
    static final int NAME_CHARS = 60_000;

    private LongInputNames() {
    }

    static byte[] model(String tag) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("long-names-" + tag)
                .addOutput(HostileModels.value("y", 2));
        OnnxMl.NodeProto.Builder sum = OnnxMl.NodeProto.newBuilder().setName("sum").setOpType("Sum").addOutput("y");
        for (int i = 0; i < INPUTS; i++) {
            String name = (char) ('a' + i) + "x".repeat(NAME_CHARS - 1);
            sum.addInput(name);
            g.addInput(HostileModels.value(name, 2));
        }
        return HostileModels.relu().setGraph(g.addNode(sum)).build().toByteArray();
    }
}
