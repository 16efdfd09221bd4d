package dev.modelforge.onnx.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.Fixtures;
import dev.modelforge.onnx.InvalidOnnxException;
import dev.modelforge.onnx.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorProtosTest {

    @Test
    void roundTripsEveryDtype() {
        Map<String, NdArray> arrays = Npz.read(Fixtures.path("numpy_stored.npz"));
        arrays.forEach((name, a) -> {
            OnnxMl.TensorProto t = TensorProtos.toTensorProto(name, a);
            assertThat(t.getDataType()).isEqualTo(a.dtype().elementType().onnxNumber());
            assertThat(TensorProtos.toNdArray(t)).as(name).isEqualTo(a);
        });
    }

    @Test
    void readsTensorProtoWrittenByOnnxPython() throws IOException {
        OnnxMl.TensorProto t;
        try (InputStream in = Files.newInputStream(Fixtures.path("mlp_test_data/test_data_set_0/input_0.pb"))) {
            t = OnnxMl.TensorProto.parseFrom(in);
        }
        NdArray x = Npz.read(Fixtures.path("mlp_eval.npz")).get("x");

        assertThat(TensorProtos.toNdArray(t)).isEqualTo(x.slice(0, 2));
    }

    @Test
    void typedFieldsFollowTheOnnxLayout() {
        OnnxMl.TensorProto floats = OnnxMl.TensorProto.newBuilder().setDataType(1).addDims(2)
                .addFloatData(1.5f).addFloatData(-2f).build();
        assertThat(TensorProtos.toNdArray(floats).toFloatArray()).containsExactly(1.5f, -2f);

        OnnxMl.TensorProto int8 = OnnxMl.TensorProto.newBuilder().setDataType(3).addDims(3)
                .addInt32Data(-1).addInt32Data(127).addInt32Data(-128).build();
        assertThat(TensorProtos.toNdArray(int8).toLongArray()).containsExactly(-1, 127, -128);

        OnnxMl.TensorProto half = OnnxMl.TensorProto.newBuilder().setDataType(10).addDims(2)
                .addInt32Data(0x3c00).addInt32Data(0xc000).build();
        assertThat(TensorProtos.toNdArray(half).toFloatArray()).containsExactly(1f, -2f);

        OnnxMl.TensorProto bools = OnnxMl.TensorProto.newBuilder().setDataType(9).addDims(2)
                .addInt32Data(1).addInt32Data(0).build();
        assertThat(TensorProtos.toNdArray(bools).toLongArray()).containsExactly(1, 0);

        OnnxMl.TensorProto longs = OnnxMl.TensorProto.newBuilder().setDataType(7).addDims(1).addDims(2)
                .addInt64Data(Long.MIN_VALUE).addInt64Data(5).build();
        NdArray l = TensorProtos.toNdArray(longs);
        assertThat(l.shape()).containsExactly(1, 2);
        assertThat(l.toLongArray()).containsExactly(Long.MIN_VALUE, 5);

        OnnxMl.TensorProto doubles = OnnxMl.TensorProto.newBuilder().setDataType(11).addDims(1)
                .addDoubleData(Math.PI).build();
        assertThat(TensorProtos.toNdArray(doubles).toDoubleArray()).containsExactly(Math.PI);

        OnnxMl.TensorProto scalar = OnnxMl.TensorProto.newBuilder().setDataType(6).addInt32Data(42).build();
        assertThat(TensorProtos.toNdArray(scalar).toLongArray()).containsExactly(42);
        assertThat(TensorProtos.toNdArray(scalar).rank()).isZero();
    }

    @Test
    void int4AndUint32TypedFieldsGiveRawBytes() {
        // Five int4 values packed two per byte: three bytes, one int32_data entry each.
        OnnxMl.TensorProto int4 = OnnxMl.TensorProto.newBuilder().setDataType(22).addDims(5)
                .addInt32Data(0x21).addInt32Data(0x43).addInt32Data(0x05).build();
        assertThat(TensorData.of(int4, null).bytes().remaining()).isEqualTo(3);
        assertThat(TensorData.of(int4, null).bytes().get(1)).isEqualTo((byte) 0x43);

        OnnxMl.TensorProto u32 = OnnxMl.TensorProto.newBuilder().setDataType(12).addDims(1)
                .addUint64Data(0xffff_fffeL).build();
        assertThat(TensorData.of(u32, null).bytes().getInt(0)).isEqualTo(-2);
    }

    @Test
    void inconsistentTensorsAreClearErrors() {
        OnnxMl.TensorProto shortData = OnnxMl.TensorProto.newBuilder().setName("w").setDataType(1).addDims(3)
                .addFloatData(1f).build();
        assertThatThrownBy(() -> TensorProtos.toNdArray(shortData)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("'w'").hasMessageContaining("need 12");

        OnnxMl.TensorProto shortRaw = OnnxMl.TensorProto.newBuilder().setName("r").setDataType(7).addDims(2)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[12])).build();
        assertThatThrownBy(() -> TensorData.of(shortRaw, null).bytes()).isInstanceOf(InvalidOnnxException.class)
                .hasMessageContaining("12 data bytes").hasMessageContaining("need 16");

        OnnxMl.TensorProto strings = OnnxMl.TensorProto.newBuilder().setName("s").setDataType(8).addDims(1)
                .addStringData(com.google.protobuf.ByteString.copyFromUtf8("a")).build();
        assertThatThrownBy(() -> TensorProtos.toNdArray(strings)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("STRING");
    }
}
