package dev.modelforge.onnx.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdArrayTest {

    private static final NdArray M = NdArray.ofFloats(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 4, 3);

    @Test
    void sliceAlongFirstDimensionSharesData() {
        NdArray rows = M.slice(1, 2);

        assertThat(rows.shape()).containsExactly(2, 3);
        assertThat(rows.toFloatArray()).containsExactly(3, 4, 5, 6, 7, 8);
        assertThat(M.slice(4, 0).size()).isZero();
        assertThat(rows.data().isReadOnly()).isTrue();
    }

    @Test
    void sliceOutOfRange() {
        assertThatThrownBy(() -> M.slice(3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 5)").hasMessageContaining("4");
        assertThatThrownBy(() -> NdArray.ofLongs(new long[] {1}).slice(0, 1))
                .hasMessageContaining("scalar");
    }

    @Test
    void concatRestoresSlices() {
        assertThat(NdArray.concat(List.of(M.slice(0, 1), M.slice(1, 3)))).isEqualTo(M);
    }

    @Test
    void concatRejectsMismatches() {
        assertThatThrownBy(() -> NdArray.concat(List.of(M, NdArray.ofDoubles(new double[3], 1, 3))))
                .hasMessageContaining("DOUBLE");
        assertThatThrownBy(() -> NdArray.concat(List.of(M, NdArray.ofFloats(new float[4], 1, 4))))
                .hasMessageContaining("[1, 4]");
        assertThatThrownBy(() -> NdArray.concat(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void conversions() {
        NdArray u8 = NdArray.ofBytes(DType.UINT8, new byte[] {(byte) 255, 0, 7}, 3);
        assertThat(u8.toLongArray()).containsExactly(255, 0, 7);
        assertThat(u8.toFloatArray()).containsExactly(255f, 0f, 7f);
        NdArray i8 = NdArray.ofBytes(DType.INT8, new byte[] {(byte) 255, 0, 7}, 3);
        assertThat(i8.toLongArray()).containsExactly(-1, 0, 7);
        NdArray b = NdArray.ofBytes(DType.BOOL, new byte[] {0, 1, 2}, 3);
        assertThat(b.toLongArray()).containsExactly(0, 1, 1);
        assertThat(NdArray.ofInts(new int[] {-3, 4}, 2).toDoubleArray()).containsExactly(-3, 4);
        assertThat(NdArray.ofLongs(new long[] {1L << 40}, 1).toDoubleArray()).containsExactly(0x1p40);
        assertThatThrownBy(M::toLongArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("FLOAT");
    }

    @Test
    void shapeMustMatchData() {
        assertThatThrownBy(() -> NdArray.ofFloats(new float[5], 2, 3)).hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> NdArray.of(DType.INT32, new long[] {2}, ByteBuffer.allocate(7)))
                .hasMessageContaining("needs 8 bytes, got 7");
        assertThatThrownBy(() -> NdArray.ofFloats(new float[0], -1)).hasMessageContaining("negative");
    }

    @Test
    void shapeIsDefensivelyCopied() {
        long[] shape = M.shape();
        shape[0] = 99;
        assertThat(M.dim(0)).isEqualTo(4);
    }

    @Test
    void float16RoundTripsEveryHalfValue() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertThat(Half.fromFloat(f)).as("half 0x%04x", h).isEqualTo((short) h);
            }
        }
    }

    @Test
    void float16RoundsToNearestEvenAndSaturates() {
        assertThat(Half.toFloat(Half.fromFloat(1f + 0x1p-11f))).isEqualTo(1f);
        assertThat(Half.toFloat(Half.fromFloat(1f + 0x1p-11f + 0x1p-20f))).isEqualTo(1f + 0x1p-10f);
        assertThat(Half.toFloat(Half.fromFloat(65519f))).isEqualTo(65504f);
        assertThat(Half.toFloat(Half.fromFloat(65520f))).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Half.toFloat(Half.fromFloat(0x1p-25f))).isEqualTo(0f);
        assertThat(Half.toFloat(Half.fromFloat(0x1.8p-25f))).isEqualTo(0x1p-24f);
        assertThat(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN)))).isTrue();
        NdArray h = NdArray.ofFloat16(new float[] {0.5f, -2f, 1e-8f}, 3);
        assertThat(h.toFloatArray()).containsExactly(0.5f, -2f, 0f);
        assertThat(h.byteSize()).isEqualTo(6);
    }
}
