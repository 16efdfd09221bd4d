package dev.modelforge.onnx.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.Fixtures;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.SignatureReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnnxTestDataTest {

    @TempDir
    Path dir;

    private static final ModelSignature MLP = SignatureReader.read(Fixtures.path("mlp.onnx"));

    @ParameterizedTest
    @ValueSource(strings = {"mlp_test_data", "mlp_test_data.zip"})
    void readsDirectoryAndZipAlike(String fixture) {
        OnnxTestData data = OnnxTestData.read(Fixtures.path(fixture));
        Map<String, NdArray> npz = Npz.read(Fixtures.path("mlp_eval.npz"));

        assertThat(data.dataSets()).hasSize(2);
        assertThat(data.dataSets().get(0).name()).endsWith("test_data_set_0");
        assertThat(data.dataSets().get(0).inputs().get(0).name()).isEqualTo("x");
        assertThat(data.dataSets().get(1).inputs().get(0).name()).as("written without a name").isEmpty();
        // Named tensor mapped by name, unnamed one by position; both concatenated in set order.
        assertThat(data.inputs(MLP)).containsOnlyKeys("x");
        assertThat(data.inputs(MLP).get("x")).isEqualTo(npz.get("x"));
        assertThat(data.outputs(MLP).get("y")).isEqualTo(npz.get("y"));
    }

    @Test
    void setsAreOrderedNumerically() throws IOException {
        for (int n : new int[] {10, 2}) {
            Path set = Files.createDirectories(dir.resolve("test_data_set_" + n));
            Files.write(set.resolve("input_0.pb"), TensorProtos.toTensorProto("x",
                    NdArray.ofFloats(new float[] {n, n, n, n}, 1, 4)).toByteArray());
        }
        OnnxTestData data = OnnxTestData.read(dir);

        assertThat(data.dataSets()).extracting(OnnxTestData.DataSet::name)
                .containsExactly("test_data_set_2", "test_data_set_10");
        assertThat(data.inputs(MLP).get("x").toFloatArray()).startsWith(2f).endsWith(10f);
    }

    @Test
    void aSingleSetDirectoryIsOneDataSet() {
        OnnxTestData data = OnnxTestData.read(Fixtures.path("mlp_test_data/test_data_set_1"));
        assertThat(data.dataSets()).hasSize(1);
        assertThat(data.inputs(MLP).get("x").dim(0)).isEqualTo(4);
    }

    @Test
    void tensorWithoutAGraphInputIsAMismatch() throws IOException {
        Path set = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(set.resolve("input_0.pb"), TensorProtos.toTensorProto("x",
                NdArray.ofFloats(new float[4], 1, 4)).toByteArray());
        Files.write(set.resolve("input_1.pb"), TensorProtos.toTensorProto("mask",
                NdArray.ofFloats(new float[4], 1, 4)).toByteArray());

        assertThatThrownBy(() -> OnnxTestData.read(dir).inputs(MLP)).isInstanceOf(DatasetMismatchException.class)
                .hasMessageContaining("input_1.pb").hasMessageContaining("'mask'").hasMessageContaining("[x]");
    }

    @Test
    void twoTensorsForOneGraphInputIsAMismatch() throws IOException {
        Path set = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(set.resolve("input_0.pb"), TensorProtos.toTensorProto("",
                NdArray.ofFloats(new float[4], 1, 4)).toByteArray());
        Files.write(set.resolve("input_1.pb"), TensorProtos.toTensorProto("x",
                NdArray.ofFloats(new float[4], 1, 4)).toByteArray());

        assertThatThrownBy(() -> OnnxTestData.read(dir).inputs(MLP)).isInstanceOf(DatasetMismatchException.class)
                .hasMessageContaining("input_1.pb maps to graph input 'x'");
    }

    @Test
    void garbagePbIsAFormatError() throws IOException {
        Path set = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(set.resolve("input_0.pb"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});

        assertThatThrownBy(() -> OnnxTestData.read(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("input_0.pb").hasMessageContaining("TensorProto");
    }

    @Test
    void emptyDirectoryIsAFormatError() {
        assertThatThrownBy(() -> OnnxTestData.read(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("test_data_set_N/input_K.pb");
    }

    @Test
    void notAZipIsAFormatError() throws IOException {
        Path f = dir.resolve("data.zip");
        Files.writeString(f, "nope");
        assertThatThrownBy(() -> OnnxTestData.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data.zip");
    }

    @Test
    void unsupportedElementTypeIsAFormatError() throws IOException {
        Path set = Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(set.resolve("input_0.pb"), OnnxMl.TensorProto.newBuilder().setName("s").setDataType(8)
                .addDims(1).addStringData(com.google.protobuf.ByteString.copyFromUtf8("a")).build().toByteArray());
        assertThatThrownBy(() -> OnnxTestData.read(dir)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("STRING");
    }
}
