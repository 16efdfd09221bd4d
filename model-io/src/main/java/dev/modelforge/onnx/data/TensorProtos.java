package dev.modelforge.onnx.data;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.modelforge.onnx.ElementType;
import dev.modelforge.onnx.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Conversions between ONNX {@code TensorProto} and {@link NdArray}. */
public final class TensorProtos {

    private TensorProtos() {
    }

    /**
     * The tensor as an array, from raw_data or the typed fields (copied to the heap).
     *
     * @throws DatasetFormatException if the element type is not an {@link DType} or the data is inconsistent
     */
    public static NdArray toNdArray(OnnxMl.TensorProto tensor) {
        return toNdArray(tensor, null);
    }

    /**
     * Like {@link #toNdArray(OnnxMl.TensorProto)}, resolving external data against {@code baseDir}.
     * External bytes are mapped, not copied.
     */
    public static NdArray toNdArray(OnnxMl.TensorProto tensor, Path baseDir) {
        ElementType type = ElementType.fromOnnxOrUndefined(tensor.getDataType());
        DType dtype = DType.of(type).orElseThrow(() -> new DatasetFormatException("tensor '" + tensor.getName()
                + "' has element type " + type + " (" + tensor.getDataType() + "), which datasets do not support"));
        ByteBuffer bytes;
        try {
            bytes = TensorData.of(tensor, baseDir).bytes();
        } catch (dev.modelforge.onnx.InvalidOnnxException e) {
            throw new DatasetFormatException("tensor '" + tensor.getName() + "': " + e.getMessage(), e);
        }
        long[] dims = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
        try {
            return NdArray.of(dtype, dims, bytes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new DatasetFormatException("tensor '" + tensor.getName() + "': " + e.getMessage(), e);
        }
    }

    /** The array as a TensorProto with raw_data (copied). */
    public static OnnxMl.TensorProto toTensorProto(String name, NdArray array) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(array.dtype().elementType().onnxNumber());
        for (long d : array.shape()) {
            b.addDims(d);
        }
        return b.setRawData(ByteString.copyFrom(array.data().order(ByteOrder.LITTLE_ENDIAN))).build();
    }
}
