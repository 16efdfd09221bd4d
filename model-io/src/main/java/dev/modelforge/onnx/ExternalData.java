package dev.modelforge.onnx;

import ai.onnx.proto.OnnxMl;
import dev.modelforge.onnx.InvalidOnnxException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * ONNX external data: tensors whose bytes live in a side file next to the model
 * ({@code data_location = EXTERNAL}, {@code external_data} keys {@code location}, {@code offset},
 * {@code length}, {@code checksum}).
 *
 * <p>Locations come from untrusted uploads, so {@link #resolve(Path, String)} only accepts
 * relative paths that stay inside the model's directory. Bytes are memory-mapped read-only,
 * never copied to the heap.
 */
public final class ExternalData {

    private ExternalData() {
    }

    /**
     * One tensor's reference into a side file.
     *
     * @param location file name relative to the model's directory
     * @param offset   byte offset in that file (0 if not given)
     * @param length   byte length, or -1 if not given (then the tensor's dims and type decide)
     * @param checksum SHA-1 hex if the writer recorded one, else empty
     */
    public record Ref(String location, long offset, long length, String checksum) {
        public Ref {
            Objects.requireNonNull(location, "location");
            checksum = Objects.requireNonNullElse(checksum, "");
        }
    }

    /**
     * A tensor's reference, as a streaming read of the model found it.
     *
     * @param tensor the tensor's name
     * @param ref    where its bytes are; {@code length} is -1 when neither the model nor the dims say
     */
    public record TensorRef(String tensor, Ref ref) {
    }

    /**
     * Checks references against the files of a model directory that is not on this machine (an upload):
     * each location must name one of {@code fileSizes} and its byte range must lie inside that file.
     *
     * @param fileSizes path relative to the directory (with {@code /}) → size in bytes
     * @throws InvalidOnnxException (BAD_EXTERNAL_DATA) naming the first tensor and location that do not resolve
     */
    public static void checkInside(java.util.Map<String, Long> fileSizes, java.util.List<TensorRef> references) {
        for (TensorRef t : references) {
            Ref ref = t.ref();
            String location = normalize(ref.location());
            Long size = fileSizes.get(location);
            if (size == null) {
                throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "tensor '" + t.tensor()
                        + "' keeps its data in '" + ref.location() + "', which is not a file of the upload");
            }
            long length = Math.max(ref.length(), 0);
            if (ref.offset() > size || length > size - ref.offset()) {
                throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external tensor '" + t.tensor()
                        + "' wants bytes [" + ref.offset() + ", " + (ref.offset() + length) + ") of '"
                        + ref.location() + "' but that file has " + size + " bytes");
            }
        }
    }

    /**
     * A safe relative location in canonical form ({@code ./} segments and repeated slashes dropped), as the
     * files of a directory upload are keyed.
     *
     * @throws InvalidOnnxException (BAD_EXTERNAL_DATA) for an unsafe location
     */
    public static String normalize(String location) {
        requireSafeLocation(location);
        StringBuilder out = new StringBuilder();
        for (String segment : location.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment);
        }
        if (out.length() == 0) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external data location '" + location
                    + "' names no file");
        }
        return out.toString();
    }

    /** True if the tensor's bytes are in a side file. */
    public static boolean isExternal(OnnxMl.TensorProtoOrBuilder tensor) {
        return tensor.hasDataLocation() && tensor.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL;
    }

    /**
     * Parses the external-data keys of a tensor.
     *
     * @throws InvalidOnnxException (BAD_EXTERNAL_DATA) if the tensor is not external or a key is malformed
     */
    public static Ref ref(OnnxMl.TensorProtoOrBuilder tensor) {
        if (!isExternal(tensor)) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA,
                    "tensor '" + tensor.getName() + "' is not stored as external data");
        }
        String location = null;
        long offset = 0;
        long length = -1;
        String checksum = "";
        for (OnnxMl.StringStringEntryProto e : tensor.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseNonNegative(tensor, "offset", e.getValue());
                case "length" -> length = parseNonNegative(tensor, "length", e.getValue());
                case "checksum" -> checksum = e.getValue();
                default -> {
                    // ONNX allows extra keys (e.g. basepath in old writers); they do not change where bytes are.
                }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA,
                    "external tensor '" + tensor.getName() + "' has no 'location' key");
        }
        return new Ref(location, offset, length, checksum);
    }

    private static long parseNonNegative(OnnxMl.TensorProtoOrBuilder t, String key, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the tensor name
        }
        throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external tensor '" + t.getName()
                + "' has an invalid " + key + " '" + value + "' (expected a non-negative integer)");
    }

    /**
     * Resolves a {@code location} against the model's directory, refusing anything that could
     * leave it: absolute paths, {@code ..} segments, backslashes, drive letters, NUL bytes, and
     * symlinks that point outside.
     *
     * @throws InvalidOnnxException (BAD_EXTERNAL_DATA) for an unsafe location
     */
    public static Path resolve(Path baseDir, String location) {
        requireSafeLocation(location);
        Path base = baseDir.toAbsolutePath().normalize();
        Path resolved = base.resolve(location).normalize();
        if (!resolved.startsWith(base)) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA,
                    "external data location '" + location + "' points outside the model's directory");
        }
        if (Files.exists(resolved)) {
            try {
                if (!resolved.toRealPath().startsWith(base.toRealPath())) {
                    throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external data location '"
                            + location + "' is a link that points outside the model's directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return resolved;
    }

    /** Rejects locations that could leave the model's directory, without touching the file system. */
    static void requireSafeLocation(String location) {
        String why = unsafeReason(location);
        if (why != null) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA,
                    "external data location '" + location + "' rejected: " + why
                            + "; it must be a relative path inside the model's directory");
        }
    }

    /**
     * Why {@code location} could leave the model's directory, or null if it cannot.
     *
     * @param location a path from a model or an archive entry
     * @return the reason, or null for a safe relative path
     */
    public static String unsafeReason(String location) {
        if (location == null || location.isEmpty()) {
            return "empty";
        }
        if (location.indexOf('\0') >= 0) {
            return "contains a NUL byte";
        }
        if (location.startsWith("/") || location.startsWith("~")) {
            return "absolute path";
        }
        if (location.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (location.length() >= 2 && location.charAt(1) == ':') {
            return "drive-letter path";
        }
        for (String segment : location.split("/")) {
            if (segment.equals("..")) {
                return "contains '..'";
            }
        }
        return null;
    }

    /**
     * Checks that a tensor's reference is safe and that its byte range exists in the side file,
     * without reading it.
     *
     * @return the checked reference, with {@code length} filled in from dims/type if it was absent
     */
    public static Ref check(Path baseDir, OnnxMl.TensorProtoOrBuilder tensor) {
        Ref ref = ref(tensor);
        Path file = resolve(baseDir, ref.location());
        long length = ref.length() >= 0 ? ref.length() : TensorData.expectedByteSize(tensor);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external data file '" + ref.location()
                    + "' of tensor '" + tensor.getName() + "' does not exist next to the model", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (length < 0 || ref.offset() > size || length > size - ref.offset()) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external tensor '" + tensor.getName()
                    + "' wants bytes [" + ref.offset() + ", " + (ref.offset() + Math.max(length, 0)) + ") of '"
                    + ref.location() + "' but that file has " + size + " bytes");
        }
        return new Ref(ref.location(), ref.offset(), length, ref.checksum());
    }

    /**
     * Checks a reference read by the streaming parser: safe location, existing file, byte range inside it
     * (when the reference gives a length).
     */
    static void checkRange(Path baseDir, String tensor, Ref ref) {
        Path file = resolve(baseDir, ref.location());
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external data file '" + ref.location()
                    + "' of tensor '" + tensor + "' does not exist next to the model", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long length = Math.max(ref.length(), 0);
        if (ref.offset() > size || length > size - ref.offset()) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external tensor '" + tensor + "' wants bytes ["
                    + ref.offset() + ", " + (ref.offset() + length) + ") of '" + ref.location()
                    + "' but that file has " + size + " bytes");
        }
    }

    /**
     * Memory-maps a tensor's bytes read-only, little-endian (ONNX stores all data little-endian).
     *
     * @throws InvalidOnnxException (BAD_EXTERNAL_DATA) if the reference is unsafe, missing or out of range,
     *                              or the tensor is larger than one buffer can address (2 GiB)
     */
    public static ByteBuffer map(Path baseDir, OnnxMl.TensorProtoOrBuilder tensor) {
        Ref ref = check(baseDir, tensor);
        if (ref.length() > Integer.MAX_VALUE) {
            throw new InvalidOnnxException(Reason.BAD_EXTERNAL_DATA, "external tensor '" + tensor.getName()
                    + "' is " + ref.length() + " bytes; a single mapped tensor is limited to 2 GiB");
        }
        Path file = resolve(baseDir, ref.location());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // The mapping stays valid after the channel is closed.
            return ch.map(FileChannel.MapMode.READ_ONLY, ref.offset(), ref.length()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + file + ": " + e.getMessage(), e);
        }
    }
}
