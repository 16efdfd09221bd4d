package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;

/**
 * Reads and writes ONNX {@code ModelProto}s, including models whose weights live in external
 * data files.
 *
 * <p>Reading a file maps it and aliases tensor bytes into the mapping instead of copying them to
 * the heap. Reading never inlines external data: tensors keep their references and
 * {@link TensorData#of(OnnxMl.TensorProto, Path)} maps their bytes when asked. Writing is
 * deterministic (same model → same bytes) and atomic (a temp file moved into place, so a failure
 * leaves no half-written model). {@link #writeWithExternalData} moves large tensors to a side file,
 * which is how models above protobuf's 2 GB limit are stored.
 */
public final class OnnxFiles {

    /** Protobuf cannot serialize a message of 2 GiB or more. */
    public static final long MAX_PROTOBUF_BYTES = Integer.MAX_VALUE;

    /** Tensors at or above this size go to the side file by default (as in ONNX's Python tools). */
    public static final long DEFAULT_EXTERNAL_THRESHOLD_BYTES = 1024;

    private OnnxFiles() {
    }

    /**
     * Reads a model file. External-data references are checked (safe location, file present,
     * byte range inside it) but not loaded. Inline tensor bytes stay in a read-only mapping of the
     * file, so the file must not be truncated or rewritten in place while the model is in use
     * (replacing it by a move, as {@link #write} does, is safe).
     *
     * @throws InvalidOnnxException if the file is not a usable ONNX model or an external reference is bad
     * @throws UncheckedIOException if the file cannot be read
     */
    public static OnnxMl.ModelProto read(Path modelFile) {
        OnnxMl.ModelProto model = parseMapped(modelFile);
        Path baseDir = baseDir(modelFile);
        TensorWalker.forEach(model.getGraph(), t -> {
            if (ExternalData.isExternal(t)) {
                ExternalData.check(baseDir, t);
            }
        });
        return model;
    }

    /**
     * Reads a model from a stream (not closed). External references are checked for safe
     * locations only, since there is no directory to resolve them against.
     */
    public static OnnxMl.ModelProto read(InputStream in) {
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        int first;
        try {
            buffered.mark(1);
            first = buffered.read();
            buffered.reset();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model: " + e.getMessage(), e);
        }
        if (first < 0) {
            throw new InvalidOnnxException(Reason.NOT_PROTOBUF, "not an ONNX model: the input is empty");
        }
        OnnxMl.ModelProto model;
        try {
            CodedInputStream cis = CodedInputStream.newInstance(buffered);
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = OnnxMl.ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw parseError(e, first);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model: " + e.getMessage(), e);
        }
        validate(model);
        return model;
    }

    /**
     * Parses the file through a read-only memory map with aliasing, so tensor bytes (raw_data) are
     * views of the page cache instead of heap copies: a 1.5 GB model costs 1.5 GB of address space,
     * not of heap. The mapping lives as long as the model does; files are replaced by atomic moves,
     * so a mapped model never sees its file change under it.
     */
    private static OnnxMl.ModelProto parseMapped(Path modelFile) {
        MappedByteBuffer mapped;
        try (FileChannel ch = FileChannel.open(modelFile, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new InvalidOnnxException(Reason.NOT_PROTOBUF, "not an ONNX model: " + modelFile + " is empty");
            }
            if (size >= MAX_PROTOBUF_BYTES) {
                throw new InvalidOnnxException(Reason.MALFORMED, modelFile + " is " + size + " bytes; a single "
                        + "ONNX protobuf must be below 2 GiB (larger models keep weights in external data)");
            }
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
        int first = mapped.get(0) & 0xff;
        OnnxMl.ModelProto model;
        try {
            // Only an input known to be immutable aliases; unsafeWrap declares the read-only map as such.
            CodedInputStream cis = UnsafeByteOperations.unsafeWrap(mapped).newCodedInput();
            cis.enableAliasing(true);
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = OnnxMl.ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw parseError(e, first);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
        validate(model);
        return model;
    }

    private static InvalidOnnxException parseError(InvalidProtocolBufferException e, int firstByte) {
        // ONNX writers emit ir_version (tag byte 0x08) first; without it the bytes were never a model.
        if (firstByte == 0x08 && String.valueOf(e.getMessage()).contains("ended unexpectedly")) {
            return new InvalidOnnxException(Reason.TRUNCATED,
                    "ONNX model is truncated: the file ends in the middle of a field (incomplete upload?)", e);
        }
        return new InvalidOnnxException(Reason.NOT_PROTOBUF,
                "not an ONNX model: the bytes are not a valid ONNX protobuf (" + e.getMessage() + ")", e);
    }

    /** Reads a model from bytes. */
    public static OnnxMl.ModelProto readBytes(byte[] bytes) {
        return read(new ByteArrayInputStream(bytes));
    }

    private static void validate(OnnxMl.ModelProto model) {
        if (!model.hasGraph()) {
            if (!model.hasIrVersion()) {
                throw new InvalidOnnxException(Reason.NOT_PROTOBUF,
                        "not an ONNX model: no ir_version and no graph in the protobuf");
            }
            throw new InvalidOnnxException(Reason.NO_GRAPH, "ONNX model has no graph");
        }
        SignatureReader.checkIrVersion(model.getIrVersion(), model.hasIrVersion());
        TensorWalker.forEach(model.getGraph(), t -> {
            if (ExternalData.isExternal(t)) {
                // Syntax only; the file system check needs a directory (see read(Path)).
                ExternalData.requireSafeLocation(ExternalData.ref(t).location());
            } else {
                TensorData.requireConsistent(t);
            }
        });
    }

    /** The directory external-data locations of this model file are relative to. */
    public static Path baseDir(Path modelFile) {
        Path parent = modelFile.toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    /**
     * The model's deterministic serialization.
     *
     * @throws IllegalArgumentException if the model is 2 GiB or larger (use {@link #writeWithExternalData})
     */
    public static byte[] toBytes(OnnxMl.ModelProto model) {
        int size = checkedSize(model);
        byte[] out = new byte[size];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        cos.useDeterministicSerialization();
        try {
            model.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Writes the model as it is (external references kept as they are) to {@code target},
     * atomically and deterministically.
     *
     * @throws IllegalArgumentException if the model is 2 GiB or larger (use {@link #writeWithExternalData})
     */
    public static void write(OnnxMl.ModelProto model, Path target) {
        checkedSize(model);
        AtomicFiles.write(target, out -> writeTo(model, out));
    }

    /** Streams the deterministic serialization to {@code out} (not closed). */
    public static void writeTo(OnnxMl.ModelProto model, OutputStream out) throws IOException {
        checkedSize(model);
        CodedOutputStream cos = CodedOutputStream.newInstance(out, 64 * 1024);
        cos.useDeterministicSerialization();
        model.writeTo(cos);
        cos.flush();
    }

    /**
     * Writes the model to {@code target} with every main-graph initializer of at least
     * {@code thresholdBytes} stored in the side file {@code dataFileName} next to it; smaller ones are
     * inlined as raw_data. Tensors may come from raw_data, typed fields or external data of the source
     * (resolved against {@code sourceBaseDir}); their bytes are streamed, not copied to the heap.
     * Offsets are aligned (4 KiB for tensors of 1 MiB or more, else 64 bytes) so runtimes can map them.
     * Tensors elsewhere (node attributes, subgraphs, sparse initializers) stay inline; ones the source
     * kept external are loaded, so no reference dangles at the new location. The side file is written
     * only if some tensor goes to it; both files appear atomically or not at all.
     *
     * @param sourceBaseDir directory the model's current external references are relative to (may be null
     *                      if it has none)
     * @param dataFileName  a plain file name, e.g. {@code model.onnx.data}
     * @throws IllegalArgumentException if {@code dataFileName} is not a plain file name
     */
    public static void writeWithExternalData(OnnxMl.ModelProto model, Path sourceBaseDir, Path target,
            String dataFileName, long thresholdBytes) {
        ExternalDataWriter.write(model, sourceBaseDir, target, dataFileName, thresholdBytes);
    }

    /**
     * {@link #writeWithExternalData(OnnxMl.ModelProto, Path, Path, String, long)} with the side file
     * named {@code <model file name>.data} and {@link #DEFAULT_EXTERNAL_THRESHOLD_BYTES}.
     */
    public static void writeWithExternalData(OnnxMl.ModelProto model, Path sourceBaseDir, Path target) {
        writeWithExternalData(model, sourceBaseDir, target, target.getFileName() + ".data",
                DEFAULT_EXTERNAL_THRESHOLD_BYTES);
    }

    /**
     * A copy of the model with every external tensor loaded into raw_data (for small models, or
     * for runtimes that need one in-memory buffer).
     *
     * @throws IllegalArgumentException if the result would reach protobuf's 2 GiB limit
     */
    public static OnnxMl.ModelProto inlineExternalData(OnnxMl.ModelProto model, Path baseDir) {
        OnnxMl.ModelProto inlined = model.toBuilder()
                .setGraph(TensorWalker.mapTensors(model.getGraph(), t -> ExternalData.isExternal(t)
                        ? inline(t, baseDir) : t))
                .build();
        checkedSize(inlined);
        return inlined;
    }

    static OnnxMl.TensorProto inline(OnnxMl.TensorProto t, Path baseDir) {
        ByteString bytes = ByteString.copyFrom(TensorData.of(t, baseDir).bytes());
        return t.toBuilder().clearExternalData().clearDataLocation().setRawData(bytes).build();
    }

    private static int checkedSize(OnnxMl.ModelProto model) {
        long inline = TensorWalker.inlineBytes(model.getGraph());
        int size = inline >= MAX_PROTOBUF_BYTES ? -1 : model.getSerializedSize();
        if (size < 0) {
            throw new IllegalArgumentException("the model holds " + inline + " bytes of inline tensor data; "
                    + "protobuf cannot serialize 2 GiB or more: write it with writeWithExternalData");
        }
        return size;
    }
}
