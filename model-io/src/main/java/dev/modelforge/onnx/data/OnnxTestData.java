package dev.modelforge.onnx.data;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * ONNX's test-data layout: {@code test_data_set_N/input_K.pb} and {@code output_K.pb}, each a
 * serialized TensorProto, as a directory or a {@code .zip} (optionally under one top folder).
 * A directory that directly holds {@code input_K.pb} files is one data set.
 */
public final class OnnxTestData {

    private static final Pattern ENTRY = Pattern.compile(
            "^(?:(.*/)?test_data_set_(\\d+)/)?(input|output)_(\\d+)\\.pb$");

    /**
     * One tensor file.
     *
     * @param index K of {@code input_K.pb}
     * @param name  the TensorProto's name, empty if the writer left it out
     * @param array the data
     */
    public record Tensor(int index, String name, NdArray array) {
    }

    /**
     * One {@code test_data_set_N}.
     *
     * @param name    e.g. {@code test_data_set_0}
     * @param inputs  by ascending K
     * @param outputs by ascending K
     */
    public record DataSet(String name, List<Tensor> inputs, List<Tensor> outputs) {
        public DataSet {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    private final List<DataSet> dataSets;

    private OnnxTestData(List<DataSet> dataSets) {
        this.dataSets = List.copyOf(dataSets);
    }

    /** The data sets in ascending N. */
    public List<DataSet> dataSets() {
        return dataSets;
    }

    /**
     * Reads a directory or zip in the test-data layout, at most {@link Npz#DEFAULT_MAX_BYTES} of tensor files.
     *
     * @throws DatasetFormatException if nothing in the layout is found or a .pb file is not a TensorProto
     */
    public static OnnxTestData read(Path dirOrZip) {
        return read(dirOrZip, Npz.DEFAULT_MAX_BYTES);
    }

    /** Like {@link #read(Path)} with a cap on the bytes of all tensor files together. */
    public static OnnxTestData read(Path dirOrZip, long maxBytes) {
        ByteBudget budget = new ByteBudget(maxBytes, dirOrZip.getFileName().toString());
        Map<String, TreeMap<Integer, OnnxMl.TensorProto>> inputs = new TreeMap<>(SET_ORDER);
        Map<String, TreeMap<Integer, OnnxMl.TensorProto>> outputs = new TreeMap<>(SET_ORDER);
        if (Files.isDirectory(dirOrZip)) {
            try (Stream<Path> files = Files.walk(dirOrZip, 3)) {
                for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    String rel = dirOrZip.relativize(p).toString().replace('\\', '/');
                    collect(rel, () -> budget.limit(Files.newInputStream(p), rel), inputs, outputs);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dirOrZip + ": " + e.getMessage(), e);
            }
        } else {
            try (ZipFile zip = new ZipFile(dirOrZip.toFile())) {
                budget.chargeEntries(zip);
                for (ZipEntry e : zip.stream().filter(e -> !e.isDirectory()).toList()) {
                    collect(e.getName(), () -> budget.limit(zip.getInputStream(e), e.getName()), inputs, outputs);
                }
            } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
                throw new UncheckedIOException("cannot read " + dirOrZip + ": " + e.getMessage(), e);
            } catch (IOException e) {
                // Zip errors (bad headers, CRC, inflater EOF) mean a corrupt or truncated upload.
                throw new DatasetFormatException(dirOrZip.getFileName()
                        + " is neither a directory nor a readable zip (corrupt or truncated?): " + e.getMessage(), e);
            }
        }
        if (inputs.isEmpty()) {
            throw new DatasetFormatException(dirOrZip.getFileName()
                    + " has no test_data_set_N/input_K.pb files (ONNX test-data layout)");
        }
        List<DataSet> sets = new ArrayList<>();
        for (var e : inputs.entrySet()) {
            sets.add(new DataSet(e.getKey(), toTensors(e.getValue()),
                    toTensors(outputs.getOrDefault(e.getKey(), new TreeMap<>()))));
        }
        return new OnnxTestData(sets);
    }

    /** Sorts {@code a/test_data_set_10} after {@code a/test_data_set_2}. */
    private static final Comparator<String> SET_ORDER = Comparator
            .comparing((String s) -> s.replaceAll("\\d+$", ""))
            .thenComparingLong(s -> {
                Matcher m = Pattern.compile("(\\d+)$").matcher(s);
                return m.find() ? Long.parseLong(m.group(1)) : -1;
            });

    private interface Opener {
        InputStream open() throws IOException;
    }

    private static void collect(String path, Opener opener, Map<String, TreeMap<Integer, OnnxMl.TensorProto>> in,
            Map<String, TreeMap<Integer, OnnxMl.TensorProto>> out) throws IOException {
        Matcher m = ENTRY.matcher(path);
        if (!m.matches()) {
            return;
        }
        String set = (m.group(1) == null ? "" : m.group(1)) + (m.group(2) == null ? "" : "test_data_set_" + m.group(2));
        int k = Integer.parseInt(m.group(4));
        OnnxMl.TensorProto t;
        try (InputStream s = opener.open()) {
            t = OnnxMl.TensorProto.parseFrom(s);
        } catch (InvalidProtocolBufferException e) {
            throw new DatasetFormatException(path + " is not a serialized ONNX TensorProto: " + e.getMessage(), e);
        }
        (m.group(3).equals("input") ? in : out).computeIfAbsent(set.isEmpty() ? "test_data_set_0" : set,
                x -> new TreeMap<>()).put(k, t);
    }

    private static List<Tensor> toTensors(TreeMap<Integer, OnnxMl.TensorProto> protos) {
        List<Tensor> list = new ArrayList<>();
        protos.forEach((k, t) -> list.add(new Tensor(k, t.getName(), TensorProtos.toNdArray(t))));
        return list;
    }

    /**
     * All data sets' inputs keyed by graph input name, concatenated along dimension 0.
     * {@code input_K} goes to the graph input named like its TensorProto, else to graph input K.
     *
     * @throws DatasetMismatchException if a tensor maps to no graph input or data sets disagree in shape
     */
    public Map<String, NdArray> inputs(ModelSignature signature) {
        return merge(signature.inputs(), DataSet::inputs, "input");
    }

    /** All data sets' reference outputs keyed by graph output name, mapped like {@link #inputs}. */
    public Map<String, NdArray> outputs(ModelSignature signature) {
        return merge(signature.outputs(), DataSet::outputs, "output");
    }

    /**
     * Each data set's inputs on its own, keyed by graph input name (mapped like {@link #inputs}): one case
     * each, fed to the model as given — for models whose inputs do not share a first sample axis (recurrent
     * state [layers, batch, hidden], scalars), where concatenating the sets would change their meaning.
     */
    public List<Map<String, NdArray>> inputCases(ModelSignature signature) {
        List<Map<String, NdArray>> cases = new ArrayList<>();
        for (DataSet set : dataSets) {
            cases.add(new OnnxTestData(List.of(set)).inputs(signature));
        }
        return cases;
    }

    private Map<String, NdArray> merge(List<TensorSpec> specs, Function<DataSet, List<Tensor>> side, String kind) {
        Map<String, List<NdArray>> parts = new LinkedHashMap<>();
        for (DataSet set : dataSets) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Tensor t : side.apply(set)) {
                String target = specs.stream().anyMatch(s -> s.name().equals(t.name())) ? t.name()
                        : t.index() < specs.size() ? specs.get(t.index()).name() : null;
                if (target == null) {
                    throw new DatasetMismatchException(set.name() + "/" + kind + "_" + t.index() + ".pb"
                            + (t.name().isEmpty() ? "" : " ('" + t.name() + "')") + " matches no graph " + kind
                            + "; the graph has " + specs.size() + " " + kind + "s: "
                            + specs.stream().map(TensorSpec::name).toList());
                }
                if (!seen.add(target)) {
                    throw new DatasetMismatchException(set.name() + "/" + kind + "_" + t.index() + ".pb maps to graph "
                            + kind + " '" + target + "', which another " + kind + "_K.pb of the same set already "
                            + "provides (by name or by position)");
                }
                parts.computeIfAbsent(target, x -> new ArrayList<>()).add(t.array());
            }
        }
        Map<String, NdArray> merged = new LinkedHashMap<>();
        parts.forEach((name, arrays) -> {
            try {
                merged.put(name, arrays.size() == 1 || arrays.get(0).rank() == 0 ? arrays.get(0)
                        : NdArray.concat(arrays));
            } catch (IllegalArgumentException e) {
                throw new DatasetMismatchException("test data sets disagree on " + kind + " '" + name + "': "
                        + e.getMessage());
            }
        });
        return merged;
    }
}
