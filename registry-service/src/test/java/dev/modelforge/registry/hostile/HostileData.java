package dev.modelforge.registry.hostile;

import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Datasets built to be refused, for {@link HostileModels#relu()} (x, y float[batch, 2]). */
final class HostileData {
    private HostileData() {
    }

    static byte[] npz(Map<String, NdArray> arrays) {
        try {
            Path p = Files.createTempFile("hostile", ".npz");
            try {
                Npz.write(p, arrays);
                return Files.readAllBytes(p);
            } finally {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] x(float... values) {
        return npz(Map.of("x", NdArray.ofFloats(values, values.length / 2, 2)));
    }

    static byte[] zip(Map<String, byte[]> entries) {
        var bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A .npy (format 2.0) whose header says {@code dict} and which holds no data. */
    static byte[] npyHeader(String dict) {
        StringBuilder h = new StringBuilder(dict);
        while ((12 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        byte[] header = h.append('\n').toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[12 + header.length];
        out[0] = (byte) 0x93;
        System.arraycopy("NUMPY".getBytes(StandardCharsets.ISO_8859_1), 0, out, 1, 5);
        out[6] = 2;
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (header.length >>> (8 * i));
        }
        System.arraycopy(header, 0, out, 12, header.length);
        return out;
    }
}
