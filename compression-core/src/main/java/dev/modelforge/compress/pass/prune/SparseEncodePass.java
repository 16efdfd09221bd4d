package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.NodeReport;
import dev.modelforge.compress.pass.NothingToDoException;
import dev.modelforge.compress.pass.ParamSpec;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.compress.pass.PassReport;
import dev.modelforge.compress.pass.PassResult;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code sparse-encode}: stores every initializer that is smaller as an ONNX sparse initializer
 * (float, float16, int8 or uint8 values). Meant as the last step after
 * {@code prune-magnitude(storage=dense)} and a quantization pass, so pruned int8 weights shrink too.
 */
public final class SparseEncodePass implements Pass {
    public static final String NAME = "sparse-encode";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "store mostly-zero initializers as ONNX sparse initializers (lossless)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.integer("minElements", 256, 1, Long.MAX_VALUE, "smaller initializers stay dense"));
    }

    @Override
    public PassResult apply(Model in, PassContext ctx) throws PassException {
        if (in.irVersion() < 6) {
            throw new PassException(NAME, "IR version " + in.irVersion() + " has no sparse initializers");
        }
        Model out = in.copy();
        PassReport.Builder rb = new PassReport.Builder(NAME, ctx.params());
        boolean any = false;
        for (Tensor t : new ArrayList<>(out.graph().weights())) {
            if (t.elementCount() < ctx.params().integer("minElements")) {
                continue;
            }
            long after = SparseStorage.encodeIfSmaller(out.graph(), t.name());
            if (after < t.byteSize()) {
                any = true;
                rb.node(new NodeReport(t.name(), "initializer", NodeAction.CONVERTED, "sparse initializer", null,
                        t.byteSize(), after));
            }
        }
        if (!any) {
            throw new NothingToDoException(NAME, "no initializer is sparse enough to be smaller in sparse form");
        }
        return new PassResult(out, SparseStorage.withSparseBytes(rb.build(in, out), in.graph(), out.graph()));
    }
}
