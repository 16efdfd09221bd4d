package dev.modelforge.compress.ir;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.modelforge.onnx.InvalidOnnxException;
import dev.modelforge.onnx.OnnxFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads and writes {@link Model}s as ONNX files. External data is memory-mapped on read; on write,
 * weights go to a side file only when the inline model would pass protobuf's 2 GB limit, so small
 * models stay single self-contained files.
 */
public final class ModelFiles {
    /** Inline models up to this many initializer bytes; above, write external data. */
    public static final long INLINE_LIMIT_BYTES = 1_800_000_000L;
    private static final int EXTERNAL_MIN_TENSOR_BYTES = 1024;

    private ModelFiles() {
    }

    /** Parses an ONNX file; external data resolves relative to its directory. */
    public static Model read(Path file) throws IOException {
        try {
            ModelProto p = OnnxFiles.read(file);
            return Model.fromProto(p, OnnxFiles.baseDir(file));
        } catch (InvalidOnnxException e) {
            throw new IOException(file + " is not a usable ONNX model: " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Writes {@code model} to {@code file}. If its weights exceed {@link #INLINE_LIMIT_BYTES}, tensors
     * of 1 KB and more are streamed into {@code externalDataName} next to {@code file} (pass the name
     * the file will finally have, so a temp-then-move write keeps valid references).
     */
    public static void write(Model model, Path file, String externalDataName) throws IOException {
        write(model, file, externalDataName, INLINE_LIMIT_BYTES);
    }

    /** As {@link #write(Model, Path, String)}, with the inline limit given (tests, tooling). */
    public static void write(Model model, Path file, String externalDataName, long inlineLimitBytes) throws IOException {
        if (model.graph().initializerBytes() <= inlineLimitBytes) {
            try (OutputStream out = Files.newOutputStream(file)) {
                model.toProto().writeTo(out);
            }
            return;
        }
        Path dataFile = file.resolveSibling(externalDataName + ".tmp");
        ModelProto proto;
        try (FileChannel ch = FileChannel.open(dataFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long[] offset = {0};
            proto = model.toProto(t -> {
                if (t.dataType() == DataType.OTHER || t.byteSize() < EXTERNAL_MIN_TENSOR_BYTES) {
                    return t.toProto();
                }
                ByteBuffer bytes = t.rawBytes();
                long len = bytes.remaining();
                try {
                    while (bytes.hasRemaining()) {
                        ch.write(bytes);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                TensorProto.Builder tb = TensorProto.newBuilder().setName(t.name()).setDataType(t.dataType().onnxCode())
                        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", externalDataName))
                        .addExternalData(entry("offset", Long.toString(offset[0])))
                        .addExternalData(entry("length", Long.toString(len)));
                for (long d : t.shape()) {
                    tb.addDims(d);
                }
                offset[0] += len;
                return tb.build();
            });
        } catch (java.io.UncheckedIOException e) {
            Files.deleteIfExists(dataFile);
            throw e.getCause();
        }
        Files.move(dataFile, file.resolveSibling(externalDataName), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (OutputStream out = Files.newOutputStream(file)) {
            proto.writeTo(out);
        }
    }

    /** Writes with the conventional side-file name {@code <file name>.data}. */
    public static void write(Model model, Path file) throws IOException {
        write(model, file, file.getFileName() + ".data");
    }

    /** Serialised size in bytes of the inline form (what {@code write} produces for small models). */
    public static long serializedSize(Model model) {
        return model.toProto().getSerializedSize();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
