package dev.modelforge.onnx.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelforge.onnx.Fixtures;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.SignatureReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Datasets that read but can never be evaluated, and archives built to exhaust the reader. */
class UnusableDatasetTest {
    private static final ModelSignature MLP = SignatureReader.read(Fixtures.path("mlp.onnx"));

    @TempDir
    Path dir;

    @Test
    void nanInAnInputIsNamedWithItsSample() {
        float[] x = new float[12];
        x[9] = Float.NaN;
        assertUnusable(Map.of("x", NdArray.ofFloats(x, 3, 4)), "input 'x'", "element 9", "sample 2");
    }

    @Test
    void infinityInAReferenceOutputIsRefused() {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("x", NdArray.ofFloats(new float[8], 2, 4));
        double[] y = new double[2 * outputWidth()];
        y[1] = Double.POSITIVE_INFINITY;
        arrays.put("y", NdArray.ofFloats(toFloats(y), 2, outputWidth()));
        assertUnusable(arrays, "reference output 'y'", "infinity");
    }

    @Test
    void float16NanIsFoundToo() {
        float[] x = new float[4];
        x[3] = Float.NaN;
        NdArray half = NdArray.ofFloat16(x, 1, 4);
        var in = dev.modelforge.onnx.TestModels.floatInput("x", -1, 4).toBuilder();
        in.getTypeBuilder().getTensorTypeBuilder().setElemType(10);
        var out = dev.modelforge.onnx.TestModels.floatInput("y", -1, 4).toBuilder();
        out.getTypeBuilder().getTensorTypeBuilder().setElemType(10);
        ModelSignature fp16 = SignatureReader.read(dev.modelforge.onnx.TestModels.model(
                dev.modelforge.onnx.TestModels.graph().clearInput().clearOutput().addInput(in).addOutput(out))
                .toByteArray());
        assertThatThrownBy(() -> EvalDataset.of(Map.of("x", half), fp16)).isInstanceOf(UnusableDatasetException.class)
                .hasMessageContaining("element 3");
        x[3] = 1;
        assertThat(EvalDataset.of(Map.of("x", NdArray.ofFloat16(x, 1, 4)), fp16).sampleCount()).isEqualTo(1);
    }

    @Test
    void zeroLengthArraysAreRefused() {
        assertUnusable(Map.of("x", NdArray.ofFloats(new float[0], 0, 4)), "input 'x'", "no elements");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape/test_data_set_0/input_0.pb", "/abs/test_data_set_0/input_0.pb",
            "C:/test_data_set_0/input_0.pb", "a\\..\\b/input_0.pb"})
    void testDataZipEntriesThatClimbOutAreRefusedByName(String entry) throws IOException {
        Path zip = zip("evil.zip", Map.of(entry, new byte[] {1}));
        assertThatThrownBy(() -> EvalDataset.load(zip, MLP)).isInstanceOf(UnusableDatasetException.class)
                .hasMessageContaining(entry);
    }

    @Test
    void npzEntryWithDotDotIsRefused() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x.npy", Npy.header(NdArray.ofFloats(new float[4], 1, 4)));
        entries.put("../x.npy", new byte[0]);
        Path npz = zip("evil.npz", entries);
        assertThatThrownBy(() -> Npz.read(npz)).isInstanceOf(UnusableDatasetException.class)
                .hasMessageContaining("'../x.npy'");
    }

    @Test
    void aShapeWithHalfAMillionDimsIsRefusedBeforeItIsKept() throws IOException {
        String dims = "0, ".repeat(500_000);
        Path npz = zip("dims.npz", Map.of("x.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': ("
                + dims + "), }")));
        assertThatThrownBy(() -> Npz.read(npz)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("dims");
    }

    @Test
    void manyEmptyEntriesAreChargedToTheBudget() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] empty = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }");
        for (int i = 0; i < 3000; i++) {
            entries.put("a" + i + ".npy", empty);
        }
        Path npz = zip("many.npz", entries);
        assertThatThrownBy(() -> Npz.read(npz, 1 << 20)).isInstanceOfSatisfying(DatasetLimitException.class,
                e -> assertThat(e.limitBytes()).isEqualTo(1 << 20));
        assertThat(Npz.read(npz, 64 << 20)).hasSize(3000);
    }

    private static int outputWidth() {
        return (int) ((dev.modelforge.onnx.Dim.Fixed) MLP.outputs().get(0).shape().get(1)).value();
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void assertUnusable(Map<String, NdArray> arrays, String... mentions) {
        var a = assertThatThrownBy(() -> EvalDataset.of(arrays, MLP)).isInstanceOf(UnusableDatasetException.class);
        for (String m : mentions) {
            a.hasMessageContaining(m);
        }
    }

    /** A .npy with a hand-written header (padded as NumPy pads it) and no data. */
    private static byte[] npy(String dict) {
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + header.length];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.ISO_8859_1), 0, out, 1, 5);
        out[6] = 2; // version 2: 4-byte header length
        out[7] = 0;
        int len = header.length;
        byte[] withLen = new byte[12 + header.length];
        System.arraycopy(out, 0, withLen, 0, 8);
        withLen[8] = (byte) len;
        withLen[9] = (byte) (len >>> 8);
        withLen[10] = (byte) (len >>> 16);
        withLen[11] = (byte) (len >>> 24);
        System.arraycopy(header, 0, withLen, 12, header.length);
        return withLen;
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream f = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(f)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return p;
    }
}
