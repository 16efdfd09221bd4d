package dev.modelforge.onnx.data;

import dev.modelforge.onnx.Dim;
import dev.modelforge.onnx.ElementType;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.TensorSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks dataset arrays against a signature; every failure names the array, the dim and the expectation. */
final class DatasetValidator {

    private DatasetValidator() {
    }

    static EvalDataset validate(ModelSignature sig, EvalDataset.Format format, Map<String, NdArray> inputs,
            NdArray labels, Map<String, NdArray> outputs, List<String> warnings) {
        Map<String, Long> symbols = new HashMap<>();
        Long samples = null;
        String samplesFrom = null;
        java.util.LinkedHashMap<String, NdArray> orderedInputs = new java.util.LinkedHashMap<>();
        for (TensorSpec spec : sig.inputs()) {
            NdArray a = inputs.get(spec.name());
            if (a == null) {
                throw new DatasetMismatchException("missing input '" + spec.name() + "': the graph expects "
                        + describe(spec) + " but the dataset has no array of that name (it has "
                        + inputs.keySet() + ")");
            }
            checkTensor("input", spec, a, symbols);
            orderedInputs.put(spec.name(), a);
            if (a.rank() > 0) {
                if (samples == null) {
                    samples = a.dim(0);
                    samplesFrom = spec.name();
                } else if (a.dim(0) != samples) {
                    throw new DatasetMismatchException("input '" + spec.name() + "' has " + a.dim(0)
                            + " samples (dim 0) but input '" + samplesFrom + "' has " + samples
                            + "; all inputs must have the same sample count");
                }
            }
        }
        if (samples == null) {
            samples = 1L; // only scalar inputs: one sample
            samplesFrom = "scalar inputs";
        }
        for (TensorSpec spec : sig.inputs()) {
            NdArray a = orderedInputs.get(spec.name());
            if (a.rank() > 0 && spec.rankKnown() && !spec.shape().isEmpty()
                    && spec.shape().get(0) instanceof Dim.Fixed f && f.value() > 0 && samples % f.value() != 0) {
                throw new DatasetMismatchException("input '" + spec.name() + "' has " + samples
                        + " samples but the graph fixes its batch dimension (dim 0) to " + f.value()
                        + "; the sample count must be a multiple of it");
            }
        }
        if (labels != null) {
            checkLabels(labels, samples, samplesFrom);
        }
        for (var e : outputs.entrySet()) {
            TensorSpec spec = sig.output(e.getKey()).orElseThrow();
            NdArray a = e.getValue();
            checkTensor("reference output", spec, a, new HashMap<>());
            if (a.rank() > 0 && a.dim(0) != samples) {
                throw new DatasetMismatchException("reference output '" + spec.name() + "' has " + a.dim(0)
                        + " samples (dim 0) but input '" + samplesFrom + "' has " + samples);
            }
        }
        for (var e : orderedInputs.entrySet()) {
            requireUsable("input", e.getKey(), e.getValue());
        }
        for (var e : outputs.entrySet()) {
            requireUsable("reference output", e.getKey(), e.getValue());
        }
        if (labels != null) {
            requireUsable("labels", "labels", labels);
        }
        if (samples > Integer.MAX_VALUE) {
            throw new DatasetMismatchException("dataset has " + samples + " samples; at most "
                    + Integer.MAX_VALUE + " are supported");
        }
        return new EvalDataset(sig, format, orderedInputs, labels, outputs, warnings, samples.intValue());
    }

    private static void checkTensor(String kind, TensorSpec spec, NdArray a, Map<String, Long> symbols) {
        ElementType want = spec.elementType();
        DType wantD = DType.of(want).orElseThrow(() -> new DatasetMismatchException("graph " + kind + " '"
                + spec.name() + "' has element type " + want + ", which datasets cannot provide"));
        if (a.dtype() != wantD) {
            throw new DatasetMismatchException(kind + " '" + spec.name() + "' has dtype " + a.dtype()
                    + " but the graph expects " + wantD + " (" + describe(spec) + ")");
        }
        if (!spec.rankKnown()) {
            return;
        }
        if (a.rank() != spec.rank()) {
            throw new DatasetMismatchException(kind + " '" + spec.name() + "' has rank " + a.rank() + " (shape "
                    + Arrays.toString(a.shape()) + ") but the graph expects rank " + spec.rank() + " "
                    + spec.shapeString());
        }
        for (int i = 1; i < spec.rank(); i++) {
            Dim d = spec.shape().get(i);
            long actual = a.dim(i);
            if (d instanceof Dim.Fixed f && f.value() != actual) {
                throw new DatasetMismatchException(kind + " '" + spec.name() + "' has size " + actual + " in dim "
                        + i + " (shape " + Arrays.toString(a.shape()) + ") but the graph expects " + f.value()
                        + " there " + spec.shapeString());
            }
            if (d instanceof Dim.Symbolic s) {
                Long seen = symbols.putIfAbsent(s.name(), actual);
                if (seen != null && seen != actual) {
                    throw new DatasetMismatchException(kind + " '" + spec.name() + "' has size " + actual
                            + " in dim " + i + " ('" + s.name() + "') but another input has '" + s.name()
                            + "' = " + seen);
                }
            }
        }
    }

    private static void checkLabels(NdArray labels, long samples, String samplesFrom) {
        if (labels.dtype() != DType.INT64 && labels.dtype() != DType.INT32) {
            throw new DatasetMismatchException("'labels' has dtype " + labels.dtype()
                    + " but must hold integer class ids (INT64 or INT32)");
        }
        boolean shapeOk = labels.rank() == 1 || (labels.rank() == 2 && labels.dim(1) == 1);
        if (!shapeOk) {
            throw new DatasetMismatchException("'labels' has shape " + Arrays.toString(labels.shape())
                    + " but must be [N] or [N, 1] (one class id per sample)");
        }
        if (labels.dim(0) != samples) {
            throw new DatasetMismatchException("'labels' has " + labels.dim(0) + " entries but input '"
                    + samplesFrom + "' has " + samples + " samples");
        }
    }

    /** No empty arrays, no NaN or infinity: a metric over them means nothing (or is NaN itself). */
    private static void requireUsable(String kind, String name, NdArray a) {
        if (a.size() == 0) {
            throw new UnusableDatasetException(kind + " '" + name + "' has no elements (shape "
                    + Arrays.toString(a.shape()) + "); every array needs at least one sample");
        }
        long bad = firstNonFinite(a);
        if (bad >= 0) {
            long perSample = a.rank() == 0 ? 1 : a.size() / a.dim(0);
            throw new UnusableDatasetException(kind + " '" + name + "' holds NaN or infinity at element " + bad
                    + " (sample " + bad / perSample + "); metrics over it would be meaningless");
        }
    }

    private static long firstNonFinite(NdArray a) {
        java.nio.ByteBuffer b = a.data().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.rewind();
        long n = a.size();
        switch (a.dtype()) {
            case FLOAT -> {
                for (long i = 0; i < n; i++) {
                    if (!Float.isFinite(b.getFloat((int) (i * 4)))) {
                        return i;
                    }
                }
            }
            case DOUBLE -> {
                for (long i = 0; i < n; i++) {
                    if (!Double.isFinite(b.getDouble((int) (i * 8)))) {
                        return i;
                    }
                }
            }
            case FLOAT16 -> {
                for (long i = 0; i < n; i++) {
                    if ((b.getShort((int) (i * 2)) & 0x7C00) == 0x7C00) { // exponent all ones: Inf or NaN
                        return i;
                    }
                }
            }
            default -> {
                return -1; // integers and bools are always finite
            }
        }
        return -1;
    }

    static String describe(TensorSpec spec) {
        return spec.name() + ": " + spec.elementType() + spec.shapeString();
    }
}
