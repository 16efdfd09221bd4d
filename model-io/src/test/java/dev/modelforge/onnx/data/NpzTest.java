package dev.modelforge.onnx.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelforge.onnx.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpzTest {

    @TempDir
    Path dir;

    private static final Map<String, DType> DTYPES = Map.of("f4", DType.FLOAT, "f8", DType.DOUBLE,
            "f2", DType.FLOAT16, "i1", DType.INT8, "u1", DType.UINT8, "i2", DType.INT16, "i4", DType.INT32,
            "i8", DType.INT64, "b1", DType.BOOL);

    /** One line of numpy_expected.txt: name, NumPy dtype.str, shape, values as Python floats. */
    private record Expected(String name, String descr, long[] shape, double[] values) {
    }

    private static List<Expected> expected() throws IOException {
        return Files.readAllLines(Fixtures.path("numpy_expected.txt")).stream().map(line -> {
            String[] p = line.split(" ", -1);
            long[] shape = p[2].isEmpty() ? new long[0] : Arrays.stream(p[2].split(",")).mapToLong(Long::parseLong).toArray();
            double[] values = p[3].isEmpty() ? new double[0]
                    : Arrays.stream(p[3].split(",")).mapToDouble(Double::parseDouble).toArray();
            return new Expected(p[0], p[1], shape, values);
        }).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"numpy_stored.npz", "numpy_deflated.npz"})
    void readsWhatNumpyWrote(String fixture) throws IOException {
        Map<String, NdArray> arrays = Npz.read(Fixtures.path(fixture));

        List<Expected> expected = expected();
        assertThat(arrays.keySet()).containsExactlyElementsOf(expected.stream().map(Expected::name).toList());
        for (Expected e : expected) {
            NdArray a = arrays.get(e.name());
            assertThat(a.shape()).as(e.name()).isEqualTo(e.shape());
            assertThat(a.dtype().numpyDescr()).as(e.name()).isEqualTo(e.descr().replace("|b1", "|b1"));
            double[] actual = a.toDoubleArray();
            assertThat(actual).as(e.name()).containsExactly(e.values());
        }
        assertThat(arrays.get("i8").toLongArray()).containsExactly(
                Arrays.stream(expected.get(7).values()).mapToLong(d -> (long) d).toArray());
    }

    @Test
    void dtypesMapToNumpyCodes() {
        DTYPES.forEach((code, dtype) -> assertThat(dtype.numpyDescr()).endsWith(code));
    }

    @Test
    void fortranOrderIsRefusedWithAHint() {
        assertThatThrownBy(() -> Npz.read(Fixtures.path("numpy_fortran.npz")))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("x.npy").hasMessageContaining("Fortran order")
                .hasMessageContaining("ascontiguousarray");
    }

    @Test
    void bigEndianIsSwapped() {
        Map<String, NdArray> arrays = Npz.read(Fixtures.path("numpy_bigendian.npz"));
        assertThat(arrays.get("x").toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(arrays.get("x").shape()).containsExactly(2, 3);
        assertThat(arrays.get("y").toLongArray()).containsExactly(0, 1, 2);
    }

    @Test
    void readsNpyVersions2And3() throws IOException {
        try (InputStream in = Files.newInputStream(Fixtures.path("numpy_v2.npy"))) {
            NdArray a = Npy.read(in, "v2");
            assertThat(a.shape()).containsExactly(3, 4);
            assertThat(a.toFloatArray()[11]).isEqualTo(11f);
        }
        try (InputStream in = Files.newInputStream(Fixtures.path("numpy_v3.npy"))) {
            assertThat(Npy.read(in, "v3").toLongArray()).containsExactly(0, 1, 2, 3);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void writeThenReadRoundTrips(boolean compressed) {
        Map<String, NdArray> arrays = new LinkedHashMap<>(Npz.read(Fixtures.path("numpy_stored.npz")));
        Path file = dir.resolve("out.npz");

        Npz.write(file, arrays, compressed);

        assertThat(Npz.read(file)).isEqualTo(arrays);
    }

    @Test
    void writtenNpyMatchesNumpyByteForByte() throws IOException {
        Path file = Fixtures.path("numpy_stored.npz");
        Map<String, NdArray> arrays = Npz.read(file);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            for (var e : arrays.entrySet()) {
                byte[] numpy = zip.getInputStream(zip.getEntry(e.getKey() + ".npy")).readAllBytes();
                assertThat(Npy.toBytes(e.getValue())).as(e.getKey()).isEqualTo(numpy);
            }
        }
    }

    @Test
    void writeIsDeterministic() throws IOException {
        Map<String, NdArray> arrays = Npz.read(Fixtures.path("numpy_deflated.npz"));
        Npz.write(dir.resolve("a.npz"), arrays);
        Npz.write(dir.resolve("b.npz"), arrays);
        assertThat(Files.readAllBytes(dir.resolve("a.npz"))).isEqualTo(Files.readAllBytes(dir.resolve("b.npz")));
    }

    @Test
    void notAZip() throws IOException {
        Path file = dir.resolve("x.npz");
        Files.writeString(file, "hello");
        assertThatThrownBy(() -> Npz.read(file)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("x.npz");
    }

    @Test
    void zipWithoutArrays() throws IOException {
        assertThatThrownBy(() -> Npz.read(Fixtures.path("mlp_test_data.zip")))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("no .npy arrays");
    }

    @Test
    void truncatedNpy() {
        byte[] full = Npy.toBytes(NdArray.ofLongs(new long[] {1, 2, 3}, 3));
        byte[] cut = Arrays.copyOf(full, full.length - 5);
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(cut), "cut.npy"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("cut.npy").hasMessageContaining("truncated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<U3", "<c8", "|O", "<u8", "<M8[ns]"})
    void unsupportedDtypesAreNamed(String descr) {
        byte[] npy = rawNpy("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }");
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(npy), "odd.npy"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("odd.npy")
                .hasMessageContaining(descr).hasMessageContaining("not supported");
    }

    @Test
    void hugeDeclaredShapeIsRefusedBeforeAllocating() {
        byte[] npy = rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }");
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(npy), "big.npy"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("big.npy");
    }

    @Test
    void badMagic() {
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream("PK\3\4 not npy at all".getBytes()), "z"))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("magic");
    }

    private static byte[] rawNpy(String dict) {
        byte[] h = (dict + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + 16];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(), 0, out, 1, 5);
        out[6] = 1;
        out[8] = (byte) h.length;
        out[9] = (byte) (h.length >> 8);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }
}
