package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Weight-only int4: MatMul/Gemm weights become block-quantized 4-bit codes consumed by ONNX
 * Runtime's {@code com.microsoft.MatMulNBits}, which dequantizes inside its kernel (activations stay
 * float). Gemm bias becomes a following Add. Weights ≈ 0.16x of their fp32 bytes at block 32.
 */
public final class Int4WeightOnlyPass implements Pass {
    @Override
    public String name() {
        return "int4-weight-only";
    }

    @Override
    public String description() {
        return "block-wise 4-bit MatMul/Gemm weights as ORT MatMulNBits (com.microsoft)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.integerOneOf("blockSize", 32, List.of(16L, 32L, 64L, 128L, 256L),
                        "K values sharing one scale (smaller = more accurate, larger = smaller file)"),
                ParamSpec.bool("symmetric", true, "symmetric codes (implicit zero point 8) instead of per-block zero points"),
                ParamSpec.integerOneOf("accuracyLevel", 0, List.of(0L, 1L, 2L, 3L, 4L),
                        "MatMulNBits accuracy_level (0 = not set; 4 = int8 compute, faster, may change outputs)"),
                ParamSpec.integer("minWeightElements", 0, 0, Integer.MAX_VALUE,
                        "leave weights with fewer elements in float"),
                ParamSpec.stringList("excludeNodes", "node names to keep in float"));
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        PassParams p = ctx.params();
        AlreadyQuantized.refuse(in.graph(), name());
        PassReport.Builder report = new PassReport.Builder(name(), p);
        Model out = in.copy();
        Graph g = out.graph();
        int blockSize = (int) p.integer("blockSize");
        boolean symmetric = p.bool("symmetric");
        Set<String> excluded = new HashSet<>(p.stringList("excludeNodes"));
        report.noteUnknownNodes("excludeNodes", excluded, g);
        List<Node> original = new ArrayList<>(g.nodes());
        List<Runnable> rewrites = new ArrayList<>();
        for (int i = 0; i < original.size(); i++) {
            Node node = original.get(i);
            String display = LinearOp.displayName(node, i);
            if (!node.is("MatMul") && !node.is("Gemm")) {
                if (!node.domain().isEmpty()) {
                    report.node(NodeReport.untouched(display, node.domain() + ":" + node.opType(), NodeAction.KEPT_FLOAT,
                            "op outside the ONNX domain; left as it is"));
                } else if (node.is("Conv")) {
                    report.node(NodeReport.untouched(display, "Conv", NodeAction.KEPT_FLOAT,
                            "weight-only int4 applies to MatMul/Gemm only (MatMulNBits)"));
                }
                continue;
            }
            LinearOp op = LinearOp.eligible(g, node, display, excluded, p.integer("minWeightElements"), report);
            if (op == null) {
                continue;
            }
            if (op.k() < 16) {
                report.node(NodeReport.untouched(display, node.opType(), NodeAction.SKIPPED,
                        "K=" + op.k() + " is below MatMulNBits' minimum of 16"));
                continue;
            }
            Int4Packer.Packed packed = Int4Packer.pack(op.weightNK(), op.n(), op.k(), blockSize, symmetric);
            long after = packed.b().length + packed.scales().length * 4L
                    + (packed.zeroPoints() == null ? 0 : packed.zeroPoints().length);
            rewrites.add(() -> rewrite(g, op, packed, blockSize, (int) p.integer("accuracyLevel")));
            report.node(new NodeReport(display, node.opType(), NodeAction.QUANTIZED,
                    "int4 " + (symmetric ? "symmetric" : "asymmetric") + " blocks of " + blockSize + ", K=" + op.k()
                            + " N=" + op.n() + (op.k() % blockSize == 0 ? "" : " (last block padded)"),
                    ScaleSummary.of(packed.scales(), symmetric ? null : packed.zeroPointValues()),
                    op.weight().byteSize(), after));
        }
        if (rewrites.isEmpty()) {
            throw new NothingToDoException(name(), "no MatMul/Gemm with a constant 2-D float weight to quantize");
        }
        Opsets.requireDomain(out, Node.MICROSOFT_DOMAIN, 1);
        rewrites.forEach(Runnable::run);
        g.removeUnusedInitializers();
        return new PassResult(out, report.build(in, out));
    }

    private static void rewrite(Graph g, LinearOp op, Int4Packer.Packed packed, int blockSize, int accuracyLevel) {
        Node node = op.node();
        String base = node.name().isEmpty() ? g.uniqueName(node.opType()) : node.name();
        String w = op.weight().name();
        String bName = g.uniqueName(w + "_int4");
        String sName = g.uniqueName(w + "_int4_scales");
        g.putInitializer(Tensor.ofUint8(bName, new long[] {op.n(), packed.blocks(), blockSize / 2}, packed.b()));
        g.putInitializer(Tensor.ofFloats(sName, new long[] {(long) op.n() * packed.blocks()}, packed.scales()));
        List<String> inputs = new ArrayList<>(List.of(op.activation(), bName, sName));
        if (packed.zeroPoints() != null) {
            String zName = g.uniqueName(w + "_int4_zero_points");
            g.putInitializer(Tensor.ofUint8(zName, new long[] {packed.zeroPoints().length}, packed.zeroPoints()));
            inputs.add(zName);
        }
        String y = node.output(0);
        String mmOut = op.bias().isEmpty() ? y : g.uniqueName(base + "_nbits_out");
        Node nbits = new Node(g.uniqueName(base + "_nbits"), "MatMulNBits", Node.MICROSOFT_DOMAIN, inputs, List.of(mmOut))
                .setAttr("K", (long) op.k()).setAttr("N", (long) op.n()).setAttr("bits", 4L)
                .setAttr("block_size", (long) blockSize);
        if (accuracyLevel > 0) {
            nbits.setAttr("accuracy_level", (long) accuracyLevel);
        }
        List<Node> nodes = new ArrayList<>(List.of(nbits));
        if (!op.bias().isEmpty()) {
            nodes.add(Node.of(g.uniqueName(base + "_bias_add"), "Add", List.of(mmOut, op.bias()), List.of(y)));
        }
        g.replace(node, nodes);
    }
}
