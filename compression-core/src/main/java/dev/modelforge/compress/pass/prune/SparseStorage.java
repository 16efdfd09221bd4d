package dev.modelforge.compress.pass.prune;

import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves mostly-zero initializers into ONNX {@code sparse_initializer}s: the non-zero values plus
 * their linear indices in the narrowest integer type that holds them (int16 below 32768 elements,
 * else int32, else int64). ONNX Runtime turns sparse initializers back into dense ones when it
 * loads the graph, so kernels and QDQ fusion see ordinary weights; only the artifact shrinks.
 */
public final class SparseStorage {
    private SparseStorage() {
    }

    /** Bytes a sparse encoding of {@code nnz} non-zeros out of {@code total} would take. */
    public static long sparseBytes(long nnz, long total, int valueWidth) {
        return nnz * (valueWidth + indexWidth(total));
    }

    /**
     * A report whose byte counts include sparse initializers (the shared builder counts dense
     * initializers only, which would make a sparse model look empty).
     */
    public static dev.modelforge.compress.pass.PassReport withSparseBytes(dev.modelforge.compress.pass.PassReport r,
                                                                          Graph before, Graph after) {
        return new dev.modelforge.compress.pass.PassReport(r.pass(), r.params(), r.nodes(),
                before.initializerBytes() + sparseBytes(before), after.initializerBytes() + sparseBytes(after),
                r.elapsedMillis(), r.notes());
    }

    /** Bytes of values and indices of all sparse initializers of {@code g}. */
    public static long sparseBytes(Graph g) {
        long sum = 0;
        for (SparseTensorProto t : g.sparseInitializers()) {
            sum += t.getValues().getRawData().size() + t.getIndices().getRawData().size();
        }
        return sum;
    }

    static int indexWidth(long total) {
        return total <= Short.MAX_VALUE ? 2 : total <= Integer.MAX_VALUE ? 4 : 8;
    }

    /**
     * Replaces {@code name} by a sparse initializer when that is smaller than the dense bytes.
     *
     * @return the bytes now used (dense size when not converted)
     */
    public static long encodeIfSmaller(Graph g, String name) {
        Tensor t = g.initializer(name).orElseThrow();
        DataType type = t.dataType();
        if (type != DataType.FLOAT && type != DataType.INT8 && type != DataType.UINT8 && type != DataType.FLOAT16) {
            return t.byteSize();
        }
        int width = (int) type.byteWidth();
        ByteBuffer raw = t.rawBytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long total = t.elementCount();
        long nnz = 0;
        for (int i = 0; i < total; i++) {
            if (!isZero(raw, i, width)) {
                nnz++;
            }
        }
        long sparse = sparseBytes(nnz, total, width);
        if (nnz == 0 || sparse >= t.byteSize() || g.isGraphOutput(name) || g.isGraphInput(name)) {
            return t.byteSize();
        }
        int iw = indexWidth(total);
        ByteBuffer vals = ByteBuffer.allocate((int) (nnz * width)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer idx = ByteBuffer.allocate((int) (nnz * iw)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < total; i++) {
            if (!isZero(raw, i, width)) {
                for (int b = 0; b < width; b++) {
                    vals.put(raw.get(i * width + b));
                }
                switch (iw) {
                    case 2 -> idx.putShort((short) i);
                    case 4 -> idx.putInt(i);
                    default -> idx.putLong(i);
                }
            }
        }
        TensorProto values = TensorProto.newBuilder().setName(name).setDataType(type.onnxCode()).addDims(nnz)
                .setRawData(ByteString.copyFrom(vals.array())).build();
        int idxType = iw == 2 ? TensorProto.DataType.INT16_VALUE : iw == 4 ? TensorProto.DataType.INT32_VALUE
                : TensorProto.DataType.INT64_VALUE;
        TensorProto indices = TensorProto.newBuilder().setDataType(idxType).addDims(nnz)
                .setRawData(ByteString.copyFrom(idx.array())).build();
        SparseTensorProto.Builder sp = SparseTensorProto.newBuilder().setValues(values).setIndices(indices);
        for (long d : t.shape()) {
            sp.addDims(d);
        }
        g.removeInitializer(name);
        g.addSparseInitializer(sp.build());
        return sparse;
    }

    private static boolean isZero(ByteBuffer b, int i, int width) {
        return switch (width) {
            case 4 -> (b.getInt(i * 4) & 0x7fffffff) == 0;
            case 2 -> (b.getShort(i * 2) & 0x7fff) == 0;
            default -> b.get(i) == 0;
        };
    }
}
