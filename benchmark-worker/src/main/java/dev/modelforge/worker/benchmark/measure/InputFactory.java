package dev.modelforge.worker.benchmark.measure;

import dev.modelforge.onnx.Dim;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.TensorSpec;
import dev.modelforge.onnx.data.DType;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds inputs of a given batch size: from the evaluation set when there is one (real data exercises
 * the real code paths, e.g. sparse activations), else generated from the signature with a fixed seed.
 * Symbolic dimensions become 1, except the first, which is the batch.
 */
public final class InputFactory {

    private InputFactory() {
    }

    /**
     * @param signature the model's signature
     * @param eval      evaluation set or null
     * @param batch     batch size
     * @param seed      seed for generated values
     * @return inputs by graph-input name
     * @throws UnsupportedBatchException when an input's first dimension is fixed to another size
     */
    public static Map<String, NdArray> inputs(ModelSignature signature, EvalDataset eval, int batch, long seed) {
        if (eval != null && eval.sampleCount() > 0) {
            Map<String, NdArray> out = new LinkedHashMap<>();
            int have = Math.min(batch, eval.sampleCount());
            Map<String, NdArray> rows = eval.batch(0, have);
            for (TensorSpec spec : signature.inputs()) {
                NdArray t = rows.get(spec.name());
                if (t == null) {
                    throw new IllegalArgumentException("evaluation set has no array for input '" + spec.name() + "'");
                }
                out.put(spec.name(), have == batch ? t : repeatRows(t, batch));
            }
            checkBatch(signature, batch);
            return out;
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (TensorSpec spec : signature.inputs()) {
            out.put(spec.name(), generate(spec, batch, random));
        }
        return out;
    }

    /** Thrown when the model cannot take the requested batch size. */
    public static final class UnsupportedBatchException extends IllegalArgumentException {
        UnsupportedBatchException(String message) {
            super(message);
        }
    }

    private static void checkBatch(ModelSignature signature, int batch) {
        for (TensorSpec spec : signature.inputs()) {
            if (spec.rank() > 0 && spec.shape().get(0) instanceof Dim.Fixed f && f.value() != batch) {
                throw new UnsupportedBatchException("input '" + spec.name() + "' has a fixed batch dimension of "
                        + f.value() + ", cannot run batch " + batch);
            }
        }
    }

    private static NdArray generate(TensorSpec spec, int batch, SplittableRandom random) {
        if (!spec.rankKnown()) {
            throw new IllegalArgumentException("input '" + spec.name() + "' has an unknown rank; supply an evaluation set");
        }
        long[] shape = new long[spec.rank()];
        for (int i = 0; i < shape.length; i++) {
            Dim d = spec.shape().get(i);
            if (i == 0 && d instanceof Dim.Fixed f && f.value() != batch) {
                throw new UnsupportedBatchException("input '" + spec.name() + "' has a fixed batch dimension of "
                        + f.value() + ", cannot run batch " + batch);
            }
            shape[i] = d instanceof Dim.Fixed f ? f.value() : (i == 0 ? batch : 1);
        }
        if (spec.elementType() == dev.modelforge.onnx.ElementType.FLOAT16) {
            float[] values = new float[Math.toIntExact(elementCount(shape))];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextDouble() * 2 - 1);
            }
            return NdArray.ofFloat16(values, shape);
        }
        DType type = DType.of(spec.elementType()).orElseThrow(() -> new IllegalArgumentException(
                "cannot generate values for input '" + spec.name() + "' of type " + spec.elementType()
                        + "; supply an evaluation set"));
        long count = elementCount(shape);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(count * type.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            switch (type) {
                case FLOAT -> b.putFloat((float) (random.nextDouble() * 2 - 1));
                case DOUBLE -> b.putDouble(random.nextDouble() * 2 - 1);
                // small non-negative integers are valid token ids / indices for almost any model
                case INT64 -> b.putLong(random.nextInt(10));
                case INT32 -> b.putInt(random.nextInt(10));
                case INT8, UINT8 -> b.put((byte) random.nextInt(10));
                case INT16 -> b.putShort((short) random.nextInt(10));
                case BOOL -> b.put((byte) 1);
                default -> throw new IllegalArgumentException("cannot generate values for input '" + spec.name()
                        + "' of type " + type + "; supply an evaluation set");
            }
        }
        b.flip();
        return NdArray.of(type, shape, b);
    }

    private static NdArray repeatRows(NdArray t, int batch) {
        ByteBuffer src = t.data();
        long rows = t.dim(0);
        int rowBytes = (int) (src.remaining() / rows);
        ByteBuffer out = ByteBuffer.allocate(rowBytes * batch);
        for (int i = 0; i < batch; i++) {
            ByteBuffer row = src.duplicate();
            int r = (int) (i % rows);
            row.position(r * rowBytes).limit((r + 1) * rowBytes);
            out.put(row);
        }
        out.flip();
        long[] shape = t.shape();
        shape[0] = batch;
        return NdArray.of(t.dtype(), shape, out);
    }

    private static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
