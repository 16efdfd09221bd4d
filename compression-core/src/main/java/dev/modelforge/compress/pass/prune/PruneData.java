package dev.modelforge.compress.pass.prune;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassException;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Calibration data loading, seeded synthetic inputs, and shape probes shared by the pruning passes. */
public final class PruneData {
    private PruneData() {
    }

    /** The calibration set of {@code ctx} checked against {@code m}, or null when none was given. */
    public static EvalDataset calibration(Model m, PassContext ctx, String pass) throws PassException {
        if (ctx.calibrationData().isEmpty()) {
            return null;
        }
        try {
            return EvalDataset.load(ctx.calibrationData().get(), ModelSignature.of(m.toProto()));
        } catch (RuntimeException e) {
            throw new PassException(pass, ctx.audience().calibrationSet(ctx.calibrationData().get())
                    + " does not fit the model: " + e.getMessage() + " (" + ctx.audience().fixCalibration() + ")", e);
        }
    }

    /**
     * Two seeded samples shaped like the graph inputs (symbolic dimensions 1 except the batch):
     * enough to learn intermediate shapes when no calibration data was given.
     */
    public static EvalDataset synthetic(Model m) {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        Random rnd = new Random(7);
        for (OnnxMl.ValueInfoProto v : m.graph().inputs()) {
            var tt = v.getType().getTensorType();
            long[] shape = new long[tt.getShape().getDimCount()];
            int count = 1;
            for (int i = 0; i < shape.length; i++) {
                var d = tt.getShape().getDim(i);
                shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : i == 0 ? 2 : 1;
                count *= (int) shape[i];
            }
            if (tt.getElemType() == 1) {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = (float) rnd.nextGaussian();
                }
                arrays.put(v.getName(), NdArray.ofFloats(f, shape));
            } else {
                arrays.put(v.getName(), NdArray.ofLongs(new long[count], shape));
            }
        }
        return EvalDataset.of(arrays, ModelSignature.of(m.toProto()));
    }

    /** Shapes of {@code values} from one small ORT run (values ORT does not produce are absent). */
    public static Map<String, long[]> probeShapes(Model m, Collection<String> values, EvalDataset data, int threads)
            throws OrtException {
        Map<String, long[]> out = new HashMap<>();
        if (values.isEmpty()) {
            return out;
        }
        Activations.forEachBatch(m, values, null, null, data, Math.min(2, data.sampleCount()), 2, threads,
                (a, b) -> a.forEach((k, v) -> out.put(k, v.shape())));
        return out;
    }
}
