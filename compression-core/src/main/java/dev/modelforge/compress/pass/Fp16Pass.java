package dev.modelforge.compress.pass;

import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Float16;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * float16 conversion with float32 graph inputs and outputs (Casts at the boundary).
 *
 * <p>Every float32 weight is stored as float16 (half the bytes); weights outside float16's range stay
 * float32. Which ops also <em>compute</em> in float16 depends on {@code target}:
 * <ul>
 * <li>{@code gpu}: every float op except those that must stay float32 for correctness (Resize and
 * Upsample scales, Range, random generators, quantization ops, control flow, non-ONNX domains).</li>
 * <li>{@code cpu} (default): measured on ONNX Runtime 1.23 CPU, only LayerNormalization and pure data
 * movement ops have float16 kernels; for every other op ORT inserts Casts back to float32, which is
 * slower than staying float32. So on CPU those ops stay float32 (weights are cast once, at load,
 * by ORT's constant folding), and data-movement ops compute in float16 only when their inputs already
 * are float16.</li>
 * </ul>
 */
public final class Fp16Pass implements Pass {
    /** Ops that must stay float32 whatever the target, with the reason. */
    static final Map<String, String> MUST_STAY_FLOAT32 = Map.ofEntries(
            Map.entry("Resize", "scales/roi inputs are float32 by spec and coordinate maths needs float32"),
            Map.entry("Upsample", "scales input is float32 by spec"),
            Map.entry("Range", "float16 loses integer precision above 2048: indices would be wrong"),
            Map.entry("RandomNormal", "generator dtype is fixed by attribute"),
            Map.entry("RandomUniform", "generator dtype is fixed by attribute"),
            Map.entry("RandomNormalLike", "generator dtype is fixed by attribute"),
            Map.entry("RandomUniformLike", "generator dtype is fixed by attribute"),
            Map.entry("QuantizeLinear", "quantization scales stay float32 (already-quantized graph)"),
            Map.entry("DequantizeLinear", "quantization scales stay float32 (already-quantized graph)"),
            Map.entry("DynamicQuantizeLinear", "defined for float32 input only"),
            Map.entry("Cast", "explicit type conversion is kept as written"),
            Map.entry("ConstantOfShape", "value type is fixed by attribute"),
            Map.entry("EyeLike", "dtype is fixed by attribute"),
            Map.entry("If", "control-flow subgraphs are not converted"),
            Map.entry("Loop", "control-flow subgraphs are not converted"),
            Map.entry("Scan", "control-flow subgraphs are not converted"));

    /** Ops ORT 1.23 runs natively in float16 on CPU (measured: no Cast inserted around them). */
    static final Set<String> CPU_NATIVE_FP16 = Set.of("LayerNormalization", "Transpose", "Reshape", "Concat",
            "Flatten", "Identity", "Squeeze", "Unsqueeze");

    /** Ops that take any element type and need no conversion (their outputs are not float). */
    private static final Set<String> TYPE_AGNOSTIC = Set.of("Shape", "Size");

    @Override
    public String name() {
        return "fp16";
    }

    @Override
    public String description() {
        return "float16 weights (and compute where the target has float16 kernels), float32 inputs/outputs";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.choice("target", "cpu", List.of("cpu", "gpu"),
                        "cpu: float16 storage, float32 compute where ORT CPU lacks float16 kernels; gpu: float16 compute"),
                ParamSpec.stringList("keepFloat32Ops", "additional op types to keep in float32"),
                ParamSpec.stringList("excludeNodes", "node names to keep in float32"));
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        PassParams p = ctx.params();
        AlreadyQuantized.refuse(in.graph(), name());
        PassReport.Builder report = new PassReport.Builder(name(), p);
        Model out = in.copy();
        Graph g = out.graph();
        boolean cpu = p.string("target").equals("cpu");
        Set<String> keepOps = new HashSet<>(p.stringList("keepFloat32Ops"));
        Set<String> excluded = new HashSet<>(p.stringList("excludeNodes"));
        report.noteUnknownNodes("excludeNodes", excluded, g);
        Map<String, DataType> types = ElementTypes.infer(g);
        Set<String> pinned = pinnedToFloat32(g);

        // Representation of each float value in the new graph: FLOAT or FLOAT16.
        Map<String, DataType> rep = new HashMap<>();
        long converted = 0;
        for (Tensor t : new ArrayList<>(g.weights())) {
            if (t.dataType() != DataType.FLOAT) {
                continue;
            }
            if (pinned.contains(t.name()) || !fitsFloat16(t)) {
                rep.put(t.name(), DataType.FLOAT);
                report.note("weight " + t.name() + " kept float32: "
                        + (pinned.contains(t.name()) ? "read inside a control-flow subgraph" : "values exceed float16 range"));
                continue;
            }
            g.putInitializer(toFloat16(t));
            rep.put(t.name(), DataType.FLOAT16);
            converted++;
        }
        for (ValueInfoProto v : g.inputs()) {
            if (types.get(v.getName()) == DataType.FLOAT) {
                rep.put(v.getName(), DataType.FLOAT);
            }
        }
        CastCache casts = new CastCache(g);
        List<Node> original = new ArrayList<>(g.nodes());
        int fp16Nodes = 0;
        for (int i = 0; i < original.size(); i++) {
            Node n = original.get(i);
            String display = LinearOp.displayName(n, i);
            boolean touchesFloat = n.inputs().stream().anyMatch(x -> types.get(x) == DataType.FLOAT)
                    || n.outputs().stream().anyMatch(x -> types.get(x) == DataType.FLOAT);
            if (!touchesFloat || TYPE_AGNOSTIC.contains(n.opType())) {
                continue;
            }
            String keepReason = keepReason(n, cpu, keepOps, excluded, pinned, rep, types);
            DataType mode = keepReason == null ? DataType.FLOAT16 : DataType.FLOAT;
            for (int k = 0; k < n.inputs().size(); k++) {
                String x = n.input(k);
                if (types.get(x) == DataType.FLOAT && rep.get(x) != null && rep.get(x) != mode) {
                    n.setInput(k, casts.get(x, mode, n));
                }
            }
            for (String o : n.outputs()) {
                if (types.get(o) == DataType.FLOAT) {
                    rep.put(o, mode);
                    if (mode == DataType.FLOAT16) {
                        retype(g, o, DataType.FLOAT16);
                    }
                }
            }
            if (keepReason == null) {
                fp16Nodes++;
                report.node(NodeReport.untouched(display, n.opType(), NodeAction.CONVERTED, "computes in float16"));
            } else {
                report.node(NodeReport.untouched(display, n.opType(), NodeAction.KEPT_FLOAT, keepReason));
            }
        }
        if (converted == 0 && fp16Nodes == 0) {
            throw new NothingToDoException(name(), "no float32 weights or float32 compute to convert");
        }
        restoreFloat32Outputs(g, rep);
        g.sortTopologically();
        g.removeUnusedInitializers();
        report.note(converted + " weights stored as float16; " + fp16Nodes + " nodes compute in float16 (target "
                + p.string("target") + ")");
        return new PassResult(out, report.build(in, out));
    }

    private static String keepReason(Node n, boolean cpu, Set<String> keepOps, Set<String> excluded, Set<String> pinned,
                                     Map<String, DataType> rep, Map<String, DataType> types) {
        if (excluded.contains(n.name())) {
            return "excluded by excludeNodes";
        }
        if (!n.domain().isEmpty()) {
            return "op outside the ONNX domain (" + n.domain() + "); float16 support unknown";
        }
        if (MUST_STAY_FLOAT32.containsKey(n.opType())) {
            return MUST_STAY_FLOAT32.get(n.opType());
        }
        if (keepOps.contains(n.opType())) {
            return "listed in keepFloat32Ops";
        }
        if (n.outputs().stream().anyMatch(pinned::contains)) {
            return "output is read inside a control-flow subgraph";
        }
        if (cpu) {
            if (!CPU_NATIVE_FP16.contains(n.opType())) {
                return "no float16 CPU kernel in ONNX Runtime 1.23 (ORT would insert Casts around it)";
            }
            boolean allHalf = n.inputs().stream().filter(x -> types.get(x) == DataType.FLOAT)
                    .allMatch(x -> rep.get(x) == DataType.FLOAT16);
            if (!allHalf) {
                return "float32 inputs: converting would add Casts for no gain on CPU";
            }
        }
        return null;
    }

    /** Values read implicitly by subgraphs: renaming or retyping them would break the subgraph. */
    private static Set<String> pinnedToFloat32(Graph g) {
        Set<String> s = new HashSet<>();
        for (Node n : g.nodes()) {
            if (!n.subgraphs().isEmpty()) {
                s.addAll(n.implicitInputs());
            }
        }
        return s;
    }

    private static boolean fitsFloat16(Tensor t) {
        for (float f : t.floats()) {
            if (Math.abs(f) > 65504f) {
                return false;
            }
        }
        return true;
    }

    private static Tensor toFloat16(Tensor t) {
        float[] f = t.floats();
        short[] h = new short[f.length];
        for (int i = 0; i < f.length; i++) {
            h[i] = Float16.fromFloat(f[i]);
        }
        return Tensor.ofFloat16(t.name(), t.shape(), h);
    }

    private static void retype(Graph g, String value, DataType type) {
        ValueInfoProto v = g.valueInfo().get(value);
        if (v != null && v.getType().hasTensorType()) {
            TypeProto.Builder tb = v.getType().toBuilder();
            tb.getTensorTypeBuilder().setElemType(type.onnxCode());
            g.putValueInfo(v.toBuilder().setType(tb).build());
        }
    }

    /** Graph outputs produced in float16 get a final Cast back to float32 under their original name. */
    private static void restoreFloat32Outputs(Graph g, Map<String, DataType> rep) {
        for (ValueInfoProto v : g.outputs()) {
            String y = v.getName();
            if (rep.get(y) != DataType.FLOAT16) {
                continue;
            }
            String half = g.uniqueName(y + "_fp16");
            for (Node n : g.nodes()) {
                for (int i = 0; i < n.outputs().size(); i++) {
                    if (n.output(i).equals(y)) {
                        n.setOutput(i, half);
                    }
                }
                n.replaceInput(y, half);
            }
            ValueInfoProto info = g.valueInfo().get(y);
            if (info != null) {
                g.removeValueInfo(y);
            }
            g.addNode(Node.of(g.uniqueName(y + "_to_float32"), "Cast", List.of(half), List.of(y))
                    .setAttr("to", (long) DataType.FLOAT.onnxCode()));
        }
    }

    /** One Cast per (value, target type), inserted right before its first user. */
    private static final class CastCache {
        private final Graph g;
        private final Map<String, String> made = new HashMap<>();

        CastCache(Graph g) {
            this.g = g;
        }

        String get(String value, DataType to, Node before) {
            String key = value + "->" + to;
            String name = made.get(key);
            if (name == null) {
                name = g.uniqueName(value + (to == DataType.FLOAT16 ? "_fp16" : "_fp32"));
                g.insertBefore(before, Node.of(g.uniqueName(name + "_cast"), "Cast", List.of(value), List.of(name))
                        .setAttr("to", (long) to.onnxCode()));
                made.put(key, name);
            }
            return name;
        }
    }
}
