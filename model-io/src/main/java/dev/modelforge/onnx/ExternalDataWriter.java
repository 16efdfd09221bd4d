package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a model plus one side file of tensor bytes. The side file is written first, then the
 * model, each through a temp file; on any failure both temps are removed and nothing is replaced.
 */
final class ExternalDataWriter {

    private static final long LARGE_TENSOR = 1 << 20;
    private static final long PAGE = 4096;
    private static final long SMALL_ALIGN = 64;

    private ExternalDataWriter() {
    }

    static void write(OnnxMl.ModelProto model, Path sourceBaseDir, Path target, String dataFileName,
            long thresholdBytes) {
        if (dataFileName == null || dataFileName.isEmpty() || dataFileName.contains("/")
                || dataFileName.contains("\\") || dataFileName.equals("..") || dataFileName.equals(".")) {
            throw new IllegalArgumentException("external data file name must be a plain file name, got '"
                    + dataFileName + "'");
        }
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("threshold must be >= 0, got " + thresholdBytes);
        }
        Path dataTarget = target.toAbsolutePath().resolveSibling(dataFileName);
        if (dataTarget.equals(target.toAbsolutePath())) {
            throw new IllegalArgumentException("external data file must differ from the model file");
        }
        Path dataTmp = AtomicFiles.tempSibling(dataTarget);
        Path modelTmp = null;
        try {
            Result rewritten;
            try (FileChannel ch = FileChannel.open(dataTmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                rewritten = externalize(model, sourceBaseDir, dataFileName, thresholdBytes, ch);
                ch.force(false);
            }
            modelTmp = AtomicFiles.tempSibling(target);
            try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(modelTmp), 64 * 1024)) {
                OnnxFiles.writeTo(rewritten.model(), out);
            }
            // No tensor reached the threshold: do not leave an empty side file behind.
            if (rewritten.externalized() > 0) {
                AtomicFiles.moveIntoPlace(dataTmp, dataTarget);
            }
            AtomicFiles.moveIntoPlace(modelTmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + " with external data: " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteQuietly(dataTmp);
            if (modelTmp != null) {
                AtomicFiles.deleteQuietly(modelTmp);
            }
        }
    }

    private static Result externalize(OnnxMl.ModelProto model, Path sourceBaseDir, String location,
            long threshold, FileChannel out) throws IOException {
        // Tensors outside the main initializers (Constant attributes, subgraphs, sparse) stay inline;
        // if the source kept them external, load them so no reference dangles at the new location.
        OnnxMl.GraphProto.Builder g = TensorWalker.mapTensorsExceptInitializers(model.getGraph(),
                t -> ExternalData.isExternal(t) ? OnnxFiles.inline(t, sourceBaseDir) : t).toBuilder();
        long offset = 0;
        int externalized = 0;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            OnnxMl.TensorProto t = g.getInitializer(i);
            ElementType type = ElementType.fromOnnxOrUndefined(t.getDataType());
            if (type.bits() == 0) {
                continue; // strings stay as they are: they have no raw layout
            }
            long size = TensorData.expectedByteSize(t);
            if (size < threshold || size == 0) {
                if (ExternalData.isExternal(t)) {
                    g.setInitializer(i, OnnxFiles.inline(t, sourceBaseDir));
                }
                continue;
            }
            long align = size >= LARGE_TENSOR ? PAGE : SMALL_ALIGN;
            offset = (offset + align - 1) / align * align;
            long pos = offset;
            for (ByteBuffer bytes : tensorBytes(t, sourceBaseDir)) {
                ByteBuffer b = bytes.duplicate();
                while (b.hasRemaining()) {
                    pos += out.write(b, pos);
                }
            }
            if (pos - offset != size) {
                throw new InvalidOnnxException(InvalidOnnxException.Reason.MALFORMED, "tensor '" + t.getName()
                        + "' has " + (pos - offset) + " data bytes but its dims need " + size);
            }
            externalized++;
            g.setInitializer(i, t.toBuilder()
                    .clearRawData().clearFloatData().clearInt32Data().clearInt64Data()
                    .clearDoubleData().clearUint64Data().clearExternalData()
                    .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Long.toString(size)))
                    .build());
            offset += size;
        }
        return new Result(model.toBuilder().setGraph(g).build(), externalized);
    }

    private record Result(OnnxMl.ModelProto model, int externalized) {
    }

    /**
     * raw_data as its underlying chunks: a large ByteString built by concatenation (a rope) is
     * written piece by piece instead of being flattened into one 2 GB array.
     */
    private static java.util.List<ByteBuffer> tensorBytes(OnnxMl.TensorProto t, Path sourceBaseDir) {
        if (!ExternalData.isExternal(t) && t.hasRawData()) {
            return t.getRawData().asReadOnlyByteBufferList();
        }
        return java.util.List.of(TensorData.of(t, sourceBaseDir).bytes());
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
