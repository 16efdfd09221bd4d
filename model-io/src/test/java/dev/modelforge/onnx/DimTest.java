package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DimTest {

    @Test
    void textFormRoundTrips() {
        for (Dim d : List.of(Dim.of(0), Dim.of(224), Dim.symbolic("batch"), Dim.symbolic("seq_len+1"), Dim.unknown())) {
            assertThat(Dim.parse(d.toString())).isEqualTo(d);
        }
        assertThat(Dim.parse("")).isEqualTo(Dim.unknown());
        assertThat(Dim.of(7).size()).hasValue(7);
        assertThat(Dim.symbolic("n").size()).isEmpty();
        assertThat(Dim.symbolic("n").isFixed()).isFalse();
    }

    @Test
    void elementTypeNumbersFollowOnnx() {
        assertThat(ElementType.fromOnnx(1)).isEqualTo(ElementType.FLOAT);
        assertThat(ElementType.fromOnnx(21)).isEqualTo(ElementType.UINT4);
        assertThat(ElementType.fromOnnx(22)).isEqualTo(ElementType.INT4);
        assertThat(ElementType.fromOnnxOrUndefined(99)).isEqualTo(ElementType.UNDEFINED);
        assertThat(ElementType.INT4.storageBytes(5)).isEqualTo(3);
        assertThat(ElementType.FLOAT16.storageBytes(3)).isEqualTo(6);
        // Our numbers agree with the generated enum wherever the bundled proto knows the type.
        for (ai.onnx.proto.OnnxMl.TensorProto.DataType t : ai.onnx.proto.OnnxMl.TensorProto.DataType.values()) {
            assertThat(ElementType.fromOnnx(t.getNumber()).name()).isEqualTo(t.name());
        }
    }
}
