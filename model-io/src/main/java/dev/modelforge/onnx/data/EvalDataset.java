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
    private final List<Map<String, NdArray>> cases;
    private final Map<String, Integer> sampleAxes;

    EvalDataset(ModelSignature signature, Format format, Map<String, NdArray> inputs, NdArray labels,
            Map<String, NdArray> referenceOutputs, List<String> warnings, int sampleCount) {
        this(signature, format, inputs, labels, referenceOutputs, warnings, sampleCount, null, Map.of());
    }

    EvalDataset(ModelSignature signature, Format format, Map<String, NdArray> inputs, NdArray labels,
            Map<String, NdArray> referenceOutputs, List<String> warnings, int sampleCount,
            List<Map<String, NdArray>> cases, Map<String, Integer> sampleAxes) {
        this.cases = cases == null ? null : List.copyOf(cases);
        this.sampleAxes = Map.copyOf(sampleAxes);
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

    /** Prefix of {@code .npz} arrays that declare an input's sample axis: {@code sample_axis.NAME} = k, or -1 for none. */
    public static final String SAMPLE_AXIS_PREFIX = "sample_axis.";
    private static final java.util.regex.Pattern CASE_KEY = java.util.regex.Pattern.compile("^case(\\d+)\\.(.+)$");

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
        if (arrays.keySet().stream().anyMatch(k -> CASE_KEY.matcher(k).matches())) {
            return fromCaseArrays(arrays, sig, format);
        }
        Map<String, Integer> axes = new LinkedHashMap<>();
        Map<String, NdArray> plain = new LinkedHashMap<>();
        for (var e : arrays.entrySet()) {
            if (e.getKey().startsWith(SAMPLE_AXIS_PREFIX)) {
                String input = e.getKey().substring(SAMPLE_AXIS_PREFIX.length());
                NdArray a = e.getValue();
                if (a.size() != 1 || (a.dtype() != DType.INT64 && a.dtype() != DType.INT32)) {
                    throw new DatasetFormatException("'" + e.getKey() + "' must be one integer (the sample axis of '"
                            + input + "', or -1 when it has none)");
                }
                axes.put(input, (int) a.toLongArray()[0]);
            } else {
                plain.put(e.getKey(), e.getValue());
            }
        }
        arrays = plain;
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
        for (String input : axes.keySet()) {
            if (sig.input(input).isEmpty()) {
                throw new DatasetMismatchException("'" + SAMPLE_AXIS_PREFIX + input + "' names no graph input");
            }
        }
        return DatasetValidator.validate(sig, format, in, labels, out, warnings, axes);
    }

    /** {@code caseK.NAME} arrays: case K feeds NAME exactly as stored. */
    private static EvalDataset fromCaseArrays(Map<String, NdArray> arrays, ModelSignature sig, Format format) {
        java.util.TreeMap<Integer, Map<String, NdArray>> byCase = new java.util.TreeMap<>();
        List<String> warnings = new ArrayList<>();
        for (var e : arrays.entrySet()) {
            java.util.regex.Matcher m = CASE_KEY.matcher(e.getKey());
            if (!m.matches()) {
                warnings.add("array '" + e.getKey() + "' is not caseK.NAME in a per-case archive; ignored");
                continue;
            }
            String name = m.group(2);
            if (sig.input(name).isEmpty()) {
                warnings.add("array '" + e.getKey() + "' matches no graph input; ignored");
                continue;
            }
            byCase.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new LinkedHashMap<>()).put(name, e.getValue());
        }
        return DatasetValidator.validateCases(sig, format, new ArrayList<>(byCase.values()), warnings);
    }

    private static EvalDataset fromTestData(OnnxTestData data, ModelSignature sig) {
        try {
            return DatasetValidator.validate(sig, Format.ONNX_TEST_DATA, data.inputs(sig), null, data.outputs(sig),
                    new ArrayList<>());
        } catch (DatasetMismatchException concatenated) {
            // The sets do not stack along a shared first sample axis (state tensors, scalars, per-set shapes):
            // each set is one case, fed as given. If even that does not fit, the per-case error is the one to show.
            List<String> warnings = new ArrayList<>();
            warnings.add("test data sets fed one case at a time (" + concatenated.getMessage() + ")");
            return DatasetValidator.validateCases(sig, Format.ONNX_TEST_DATA, data.inputCases(sig), warnings);
        }
    }

    /** The signature this data was validated against. */
    public ModelSignature signature() {
        return signature;
    }

    /** Where the data came from. */
    public Format format() {
        return format;
    }

    /**
     * Number of samples (dimension 0 shared by inputs, labels and reference outputs), or of cases for a
     * per-case dataset ({@link #perCase()}).
     */
    public int sampleCount() {
        return sampleCount;
    }

    /**
     * Whether every sample is a case fed exactly as stored ({@code test_data_set_K}, or {@code caseK.NAME} arrays in
     * an {@code .npz}): {@link #batch} then returns one whole case, and callers iterate one case at a time.
     */
    public boolean perCase() {
        return cases != null;
    }

    /** The largest {@code size} worth passing to {@link #batch}: 1 for per-case data (cases do not stack). */
    public int maxBatch() {
        return cases != null ? 1 : Integer.MAX_VALUE;
    }

    /** The sample axis of each input declared in an {@code .npz} ({@code sample_axis.NAME}; -1 = none). */
    public Map<String, Integer> sampleAxes() {
        return sampleAxes;
    }

    /** All inputs keyed by graph input name, in graph order (for per-case data: the first case). */
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
     * Inputs for samples {@code [start, start + size)} (cut short at the end), sharing the data. Scalar inputs and
     * inputs declared without a sample axis are passed whole; an input with another sample axis is cut along it.
     * For per-case data this is case {@code start}, whole, whatever {@code size} (see {@link #maxBatch()}).
     *
     * @throws IllegalArgumentException if {@code start} is outside {@code [0, sampleCount)} or size &lt; 1
     */
    public Map<String, NdArray> batch(int start, int size) {
        int n = checkedCount(start, size);
        if (cases != null) {
            return cases.get(start);
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        inputs.forEach((k, v) -> {
            int axis = sampleAxes.getOrDefault(k, 0);
            out.put(k, v.rank() == 0 || axis < 0 ? v : v.sliceAxis(axis, start, n));
        });
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
