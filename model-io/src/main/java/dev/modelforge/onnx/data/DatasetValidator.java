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
        return validate(sig, format, inputs, labels, outputs, warnings, Map.of());
    }

    /**
     * Per-case data: every case must provide every graph input with the graph's dtype, rank and fixed dims; the
     * sample count is the number of cases (each is fed as stored, so no axis must agree between inputs).
     */
    static EvalDataset validateCases(ModelSignature sig, EvalDataset.Format format, List<Map<String, NdArray>> cases,
            List<String> warnings) {
        if (cases.isEmpty()) {
            throw new DatasetMismatchException("the dataset has no cases");
        }
        List<Map<String, NdArray>> ordered = new java.util.ArrayList<>();
        for (int c = 0; c < cases.size(); c++) {
            Map<String, NdArray> in = cases.get(c);
            java.util.LinkedHashMap<String, NdArray> one = new java.util.LinkedHashMap<>();
            for (TensorSpec spec : sig.inputs()) {
                NdArray a = in.get(spec.name());
                if (a == null) {
                    throw new DatasetMismatchException("case " + c + " has no input '" + spec.name() + "': the graph "
                            + "expects " + describe(spec) + " (the case has " + in.keySet() + ")");
                }
                try {
                    checkTensor("input", spec, a, new HashMap<>());
                } catch (DatasetMismatchException e) {
                    throw new DatasetMismatchException("case " + c + ": " + e.getMessage());
                }
                one.put(spec.name(), a);
            }
            ordered.add(one);
        }
        return new EvalDataset(sig, format, ordered.get(0), null, Map.of(), warnings, ordered.size(), ordered,
                Map.of());
    }

    static EvalDataset validate(ModelSignature sig, EvalDataset.Format format, Map<String, NdArray> inputs,
            NdArray labels, Map<String, NdArray> outputs, List<String> warnings, Map<String, Integer> sampleAxes) {
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
            int axis = sampleAxes.getOrDefault(spec.name(), a.rank() == 0 ? -1 : 0);
            if (sampleAxes.containsKey(spec.name()) && (axis >= a.rank() || axis < -1)) {
                throw new DatasetMismatchException("'" + EvalDataset.SAMPLE_AXIS_PREFIX + spec.name() + "' = " + axis
                        + " but input '" + spec.name() + "' has rank " + a.rank());
            }
            checkTensor("input", spec, a, axis == 0 ? symbols : new HashMap<>());
            orderedInputs.put(spec.name(), a);
            if (a.rank() > 0 && axis >= 0) {
                if (samples == null) {
                    samples = a.dim(axis);
                    samplesFrom = spec.name();
                } else if (a.dim(axis) != samples) {
                    throw new DatasetMismatchException("input '" + spec.name() + "' has " + a.dim(axis)
                            + " samples (dim " + axis + ") but input '" + samplesFrom + "' has " + samples
                            + "; all inputs must have the same sample count (an input with its sample axis elsewhere"
                            + " or none declares it with an int array '" + EvalDataset.SAMPLE_AXIS_PREFIX
                            + spec.name() + "' = k or -1, or give each case as caseK.NAME arrays)");
                }
            }
        }
        if (samples == null) {
            samples = 1L; // only scalar inputs: one sample
            samplesFrom = "scalar inputs";
        }
        for (TensorSpec spec : sig.inputs()) {
            NdArray a = orderedInputs.get(spec.name());
            if (a.rank() > 0 && sampleAxes.getOrDefault(spec.name(), 0) == 0 && spec.rankKnown() && !spec.shape().isEmpty()
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
        return new EvalDataset(sig, format, orderedInputs, labels, outputs, warnings, samples.intValue(), null,
                sampleAxes);
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
