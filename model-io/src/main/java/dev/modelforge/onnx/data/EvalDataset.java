package dev.modelforge.onnx.data;

import dev.modelforge.onnx.ModelSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluation or calibration data checked against a model's signature.
 *
 * <p>From a {@code .npz}: arrays named like graph inputs are inputs, {@code labels} (int32/int64
 * class ids, shape {@code [N]} or {@code [N, 1]}) are labels, arrays named like graph outputs are
 * reference outputs; anything else is ignored with a warning. From ONNX test data (directory or
 * {@code .zip}): inputs and reference outputs, no labels.
 *
 * <p>Validation (see {@link DatasetValidator}) guarantees that every graph input is present with
 * the graph's dtype and rank, fixed dimensions after the first match, and all inputs, labels and
 * reference outputs have the same sample count (dimension 0). If the graph fixes dimension 0 to B,
 * the sample count must be a multiple of B and batches must be taken B at a time.
 */
public final class EvalDataset {

    /** Where the data came from. */
    public enum Format {
        /** A NumPy .npz archive. */
        NPZ,
        /** ONNX test data (directory or .zip). */
        ONNX_TEST_DATA,
        /** Arrays handed to {@link #of(Map, ModelSignature)}. */
        IN_MEMORY
    }

    private final ModelSignature signature;
    private final Format format;
    private final Map<String, NdArray> inputs;
    private final NdArray labels;
    private final Map<String, NdArray> referenceOutputs;
    private final List<String> warnings;
    private final int sampleCount;

    EvalDataset(ModelSignature signature, Format format, Map<String, NdArray> inputs, NdArray labels,
            Map<String, NdArray> referenceOutputs, List<String> warnings, int sampleCount) {
        this.signature = signature;
        this.format = format;
        this.inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        this.labels = labels;
        this.referenceOutputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(referenceOutputs));
        this.warnings = List.copyOf(warnings);
        this.sampleCount = sampleCount;
    }

    /**
     * Loads a {@code .npz}, a test-data {@code .zip} or a test-data directory and validates it.
     *
     * @throws DatasetFormatException   if the file cannot be read as either format
     * @throws DatasetMismatchException if it does not fit the signature (message says which array and dim)
     */
    public static EvalDataset load(Path file, ModelSignature signature) {
        return load(file, signature, Npz.DEFAULT_MAX_BYTES);
    }

    /**
     * Like {@link #load(Path, ModelSignature)} with a cap on the decompressed data size
     * (default {@link Npz#DEFAULT_MAX_BYTES}); protects services from archive bombs.
     */
    public static EvalDataset load(Path file, ModelSignature signature, long maxBytes) {
        if (Files.isDirectory(file)) {
            return fromTestData(OnnxTestData.read(file, maxBytes), signature);
        }
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(file + " does not exist or is not a file");
        }
        if (!isZip(file)) {
            throw new DatasetFormatException(file.getFileName() + " is neither a NumPy .npz nor ONNX test data "
                    + "(test_data_set_N/input_K.pb in a directory or .zip)");
        }
        if (Npz.looksLikeNpz(file)) {
            return fromArrays(Npz.read(file, maxBytes), signature, Format.NPZ);
        }
        return fromTestData(OnnxTestData.read(file, maxBytes), signature);
    }

    private static boolean isZip(Path file) {
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            return n == 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Validates arrays named as in a {@code .npz} (e.g. built in memory). */
    public static EvalDataset of(Map<String, NdArray> arrays, ModelSignature signature) {
        return fromArrays(arrays, signature, Format.IN_MEMORY);
    }

    private static EvalDataset fromArrays(Map<String, NdArray> arrays, ModelSignature sig, Format format) {
        Map<String, NdArray> in = new LinkedHashMap<>();
        Map<String, NdArray> out = new LinkedHashMap<>();
        NdArray labels = null;
        List<String> warnings = new ArrayList<>();
        for (var e : arrays.entrySet()) {
            String name = e.getKey();
            if (sig.input(name).isPresent()) {
                in.put(name, e.getValue());
            } else if (name.equals("labels")) {
                labels = e.getValue();
            } else if (sig.output(name).isPresent()) {
                out.put(name, e.getValue());
            } else {
                warnings.add("array '" + name + "' " + e.getValue().dtype() + java.util.Arrays.toString(
                        e.getValue().shape()) + " matches no graph input, graph output or 'labels'; ignored");
            }
        }
        return DatasetValidator.validate(sig, format, in, labels, out, warnings);
    }

    private static EvalDataset fromTestData(OnnxTestData data, ModelSignature sig) {
        return DatasetValidator.validate(sig, Format.ONNX_TEST_DATA, data.inputs(sig), null, data.outputs(sig),
                new ArrayList<>());
    }

    /** The signature this data was validated against. */
    public ModelSignature signature() {
        return signature;
    }

    /** Where the data came from. */
    public Format format() {
        return format;
    }

    /** Number of samples (dimension 0 shared by inputs, labels and reference outputs). */
    public int sampleCount() {
        return sampleCount;
    }

    /** All inputs keyed by graph input name, in graph order. */
    public Map<String, NdArray> inputs() {
        return inputs;
    }

    /** Class-id labels, shape {@code [N]} or {@code [N, 1]}, if the data has them. */
    public Optional<NdArray> labels() {
        return Optional.ofNullable(labels);
    }

    /** Reference outputs keyed by graph output name (possibly empty). */
    public Map<String, NdArray> referenceOutputs() {
        return referenceOutputs;
    }

    /** Human-readable notes about ignored arrays. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Inputs for samples {@code [start, start + size)} (cut short at the end), sharing the data.
     * Scalar inputs are passed whole.
     *
     * @throws IllegalArgumentException if {@code start} is outside {@code [0, sampleCount)} or size &lt; 1
     */
    public Map<String, NdArray> batch(int start, int size) {
        int n = checkedCount(start, size);
        Map<String, NdArray> out = new LinkedHashMap<>();
        inputs.forEach((k, v) -> out.put(k, v.rank() == 0 ? v : v.slice(start, n)));
        return out;
    }

    /** Labels for samples {@code [start, start + size)}, if the data has labels. */
    public Optional<NdArray> labelBatch(int start, int size) {
        int n = checkedCount(start, size);
        return labels().map(l -> l.slice(start, n));
    }

    private int checkedCount(int start, int size) {
        if (size < 1 || start < 0 || start >= sampleCount) {
            throw new IllegalArgumentException("batch(" + start + ", " + size + ") is outside the "
                    + sampleCount + " samples");
        }
        return Math.min(size, sampleCount - start);
    }
}
