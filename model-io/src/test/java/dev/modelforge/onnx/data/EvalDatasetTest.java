package dev.modelforge.onnx.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelforge.onnx.Fixtures;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.OnnxFiles;
import dev.modelforge.onnx.SignatureReader;
import dev.modelforge.onnx.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalDatasetTest {

    @TempDir
    Path dir;

    private static final ModelSignature MLP = SignatureReader.read(Fixtures.path("mlp.onnx"));
    private static final ModelSignature MULTI = SignatureReader.read(Fixtures.path("multi_input.onnx"));

    @Test
    void npzWithInputsLabelsReferenceOutputsAndExtras() {
        EvalDataset ds = EvalDataset.load(Fixtures.path("mlp_eval.npz"), MLP);
        Map<String, NdArray> raw = Npz.read(Fixtures.path("mlp_eval.npz"));

        assertThat(ds.format()).isEqualTo(EvalDataset.Format.NPZ);
        assertThat(ds.sampleCount()).isEqualTo(6);
        assertThat(ds.inputs()).containsOnlyKeys("x");
        assertThat(ds.labels()).contains(raw.get("labels"));
        assertThat(ds.referenceOutputs()).containsOnlyKeys("y");
        assertThat(ds.warnings()).singleElement().asString().contains("'notes'").contains("ignored");
    }

    @Test
    void batchesCoverTheSamplesAndShortenAtTheEnd() {
        EvalDataset ds = EvalDataset.load(Fixtures.path("mlp_eval.npz"), MLP);
        NdArray x = ds.inputs().get("x");

        assertThat(ds.batch(0, 4).get("x")).isEqualTo(x.slice(0, 4));
        assertThat(ds.batch(4, 4).get("x").shape()).containsExactly(2, 4);
        assertThat(ds.labelBatch(4, 4).orElseThrow().toLongArray())
                .containsExactly(ds.labels().orElseThrow().slice(4, 2).toLongArray());
        assertThatThrownBy(() -> ds.batch(6, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ds.batch(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void testDataDirectoryAndZipGiveTheSameInputsAsTheNpz() {
        NdArray x = EvalDataset.load(Fixtures.path("mlp_eval.npz"), MLP).inputs().get("x");
        for (String f : new String[] {"mlp_test_data", "mlp_test_data.zip"}) {
            EvalDataset ds = EvalDataset.load(Fixtures.path(f), MLP);
            assertThat(ds.format()).isEqualTo(EvalDataset.Format.ONNX_TEST_DATA);
            assertThat(ds.inputs().get("x")).isEqualTo(x);
            assertThat(ds.labels()).isEmpty();
            assertThat(ds.referenceOutputs()).containsOnlyKeys("y");
            assertThat(ds.sampleCount()).isEqualTo(6);
        }
    }

    @Test
    void missingInputNamesWhatTheGraphWants() {
        Map<String, NdArray> arrays = Map.of("labels", NdArray.ofLongs(new long[] {1, 2}, 2));
        assertThatThrownBy(() -> EvalDataset.of(arrays, MLP)).isInstanceOf(DatasetMismatchException.class)
                .hasMessageContaining("missing input 'x'").hasMessageContaining("x: FLOAT[batch, 4]");
    }

    @Test
    void wrongDtype() throws IOException {
        Path f = npz(Map.of("x", NdArray.ofDoubles(new double[8], 2, 4)));
        assertThatThrownBy(() -> EvalDataset.load(f, MLP)).isInstanceOf(DatasetMismatchException.class)
                .hasMessageContaining("input 'x' has dtype DOUBLE").hasMessageContaining("expects FLOAT");
    }

    @Test
    void wrongFixedDimension() {
        Map<String, NdArray> arrays = Map.of("x", NdArray.ofFloats(new float[10], 2, 5));
        assertThatThrownBy(() -> EvalDataset.of(arrays, MLP)).isInstanceOf(DatasetMismatchException.class)
                .hasMessageContaining("input 'x' has size 5 in dim 1").hasMessageContaining("expects 4")
                .hasMessageContaining("[batch, 4]");
    }

    @Test
    void wrongRank() {
        Map<String, NdArray> arrays = Map.of("x", NdArray.ofFloats(new float[8], 8));
        assertThatThrownBy(() -> EvalDataset.of(arrays, MLP)).hasMessageContaining("rank 1")
                .hasMessageContaining("expects rank 2");
    }

    @Test
    void labelsMustBeIntegerClassIdsOnePerSample() {
        NdArray x = NdArray.ofFloats(new float[8], 2, 4);
        assertThatThrownBy(() -> EvalDataset.of(Map.of("x", x, "labels", NdArray.ofFloats(new float[2], 2)), MLP))
                .hasMessageContaining("'labels' has dtype FLOAT");
        assertThatThrownBy(() -> EvalDataset.of(Map.of("x", x, "labels", NdArray.ofLongs(new long[3], 3)), MLP))
                .hasMessageContaining("'labels' has 3 entries").hasMessageContaining("2 samples");
        assertThatThrownBy(() -> EvalDataset.of(Map.of("x", x, "labels", NdArray.ofLongs(new long[4], 2, 2)), MLP))
                .hasMessageContaining("[N] or [N, 1]");
        assertThat(EvalDataset.of(Map.of("x", x, "labels", NdArray.ofInts(new int[2], 2, 1)), MLP).labels())
                .isPresent();
    }

    @Test
    void referenceOutputsAreChecked() {
        NdArray x = NdArray.ofFloats(new float[8], 2, 4);
        assertThatThrownBy(() -> EvalDataset.of(Map.of("x", x, "y", NdArray.ofFloats(new float[9], 3, 3)), MLP))
                .hasMessageContaining("reference output 'y' has 3 samples");
        assertThatThrownBy(() -> EvalDataset.of(Map.of("x", x, "y", NdArray.ofFloats(new float[8], 2, 4)), MLP))
                .hasMessageContaining("reference output 'y' has size 4 in dim 1");
    }

    @Test
    void inputsMustAgreeOnSampleCountAndSymbols() {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("features", NdArray.ofFloats(new float[3 * 5 * 3], 3, 5, 3));
        arrays.put("ids", NdArray.ofLongs(new long[4 * 2], 4, 2));
        assertThatThrownBy(() -> EvalDataset.of(arrays, MULTI))
                .hasMessageContaining("input 'ids' has 4 samples").hasMessageContaining("'features' has 3");

        arrays.put("ids", NdArray.ofLongs(new long[3 * 7], 3, 7));
        EvalDataset ok = EvalDataset.of(arrays, MULTI);
        assertThat(ok.sampleCount()).isEqualTo(3);
        assertThat(ok.batch(1, 2).get("ids").shape()).containsExactly(2, 7);
    }

    @Test
    void symbolicDimensionMustBeConsistentAcrossInputs() {
        ModelSignature sig = SignatureReader.read(OnnxFiles.toBytes(TestModels.model(TestModels.graph().clearInput()
                .addInput(symbolic("a")).addInput(symbolic("b")))));
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("a", NdArray.ofFloats(new float[2 * 5], 2, 5));
        arrays.put("b", NdArray.ofFloats(new float[2 * 6], 2, 6));

        assertThatThrownBy(() -> EvalDataset.of(arrays, sig)).hasMessageContaining("input 'b' has size 6 in dim 1 ('seq')")
                .hasMessageContaining("'seq' = 5");
    }

    private static ai.onnx.proto.OnnxMl.ValueInfoProto symbolic(String name) {
        ai.onnx.proto.OnnxMl.ValueInfoProto v = TestModels.floatInput(name, -1, 0);
        return v.toBuilder().setType(v.getType().toBuilder().setTensorType(v.getType().getTensorType().toBuilder()
                .setShape(v.getType().getTensorType().getShape().toBuilder().setDim(1,
                        ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("seq"))))).build();
    }

    @Test
    void fixedBatchDimensionNeedsAMultipleOfIt() {
        ModelSignature sig = SignatureReader.read(OnnxFiles.toBytes(TestModels.model(TestModels.graph().clearInput()
                .addInput(TestModels.floatInput("x", 2, 2)))));
        assertThatThrownBy(() -> EvalDataset.of(Map.of("x", NdArray.ofFloats(new float[6], 3, 2)), sig))
                .hasMessageContaining("fixes its batch dimension (dim 0) to 2");
        assertThat(EvalDataset.of(Map.of("x", NdArray.ofFloats(new float[8], 4, 2)), sig).sampleCount()).isEqualTo(4);
    }

    @Test
    void oldStyleModelWithInitializersAsInputsNeedsOnlyTheRealInput() {
        ModelSignature sig = SignatureReader.read(Fixtures.path("opset7_initializers_as_inputs.onnx"));
        EvalDataset ds = EvalDataset.of(Map.of("input", NdArray.ofFloats(new float[12], 3, 4)), sig);
        assertThat(ds.inputs()).containsOnlyKeys("input");
        assertThat(ds.sampleCount()).isEqualTo(3);
    }

    @Test
    void fortranOrderedNpzIsAFormatError() {
        assertThatThrownBy(() -> EvalDataset.load(Fixtures.path("numpy_fortran.npz"), MLP))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("Fortran");
    }

    @Test
    void unreadableFiles() throws IOException {
        Path png = dir.resolve("eval.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertThatThrownBy(() -> EvalDataset.load(png, MLP)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("eval.png");
        assertThatThrownBy(() -> EvalDataset.load(dir.resolve("absent.npz"), MLP))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("does not exist");
    }

    @Test
    void archiveBombsStopAtTheByteLimit() throws IOException {
        // 4 MB of zeros deflate to a few KB; a 1 MB limit must stop them before they are allocated.
        NdArray zeros = NdArray.ofFloats(new float[1 << 20], 1 << 18, 4);
        Path f = npz(Map.of("x", zeros));
        assertThat(Files.size(f)).isLessThan(64 << 10);
        assertThatThrownBy(() -> EvalDataset.load(f, MLP, 1 << 20)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("x.npy").hasMessageContaining("1048576 bytes");
        assertThat(EvalDataset.load(f, MLP).sampleCount()).isEqualTo(1 << 18);

        Path zip = dir.resolve("bomb.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("test_data_set_0/input_0.pb"));
            TensorProtos.toTensorProto("x", zeros).writeTo(out);
            out.closeEntry();
        }
        assertThatThrownBy(() -> EvalDataset.load(zip, MLP, 1 << 20)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("input_0.pb").hasMessageContaining("limit");
        assertThat(EvalDataset.load(zip, MLP).sampleCount()).isEqualTo(1 << 18);
    }

    private Path npz(Map<String, NdArray> arrays) {
        Path f = dir.resolve("data.npz");
        Npz.write(f, arrays);
        return f;
    }
}
