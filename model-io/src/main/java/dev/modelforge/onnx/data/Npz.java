package dev.modelforge.onnx.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} archives: a zip of {@code NAME.npy} entries, stored or deflated
 * ({@code numpy.savez} / {@code numpy.savez_compressed}).
 */
public final class Npz {

    /** Fixed, time-zone independent entry time so the same arrays always give the same archive bytes. */
    private static final java.time.LocalDateTime ENTRY_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

    /** Default cap on the array bytes one dataset read may produce (1 GiB). */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private Npz() {
    }

    /** True if {@code file} is a zip whose entries include at least one {@code .npy}. */
    public static boolean looksLikeNpz(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.stream().anyMatch(e -> !e.isDirectory() && e.getName().endsWith(".npy"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads every {@code .npy} entry; keys are entry names without {@code .npy}, in archive order.
     * Other entries are ignored. At most {@link #DEFAULT_MAX_BYTES} of array data are read.
     *
     * @throws DatasetFormatException if the file is not a zip, holds no .npy entry, or an entry is unreadable
     */
    public static Map<String, NdArray> read(Path file) {
        return read(file, DEFAULT_MAX_BYTES);
    }

    /**
     * Like {@link #read(Path)} with a cap on the total array bytes; a header declaring more fails
     * before anything is allocated.
     */
    public static Map<String, NdArray> read(Path file, long maxBytes) {
        ByteBudget budget = new ByteBudget(maxBytes, file.getFileName().toString());
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            budget.chargeEntries(zip);
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 64 * 1024)) {
                    NdArray a = Npy.read(in, file.getFileName() + ":" + e.getName(), budget);
                    if (in.read() != -1) {
                        throw new DatasetFormatException(file.getFileName() + ":" + e.getName()
                                + " has bytes after the array data its header declares");
                    }
                    arrays.put(name, a);
                }
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            // Past opening, zip errors (bad headers, CRC, inflater EOF) mean a corrupt or truncated upload.
            throw new DatasetFormatException(file.getFileName() + " is not a readable .npz (corrupt or truncated zip): "
                    + e.getMessage(), e);
        }
        if (arrays.isEmpty()) {
            throw new DatasetFormatException(file.getFileName() + " contains no .npy arrays; is it a .npz?");
        }
        return arrays;
    }

    /** Writes a compressed archive (like {@code numpy.savez_compressed}), atomically. */
    public static void write(Path file, Map<String, NdArray> arrays) {
        write(file, arrays, true);
    }

    /**
     * Writes an archive, atomically (temp file moved into place) and deterministically.
     *
     * @param compressed deflate entries (true) or store them (like {@code numpy.savez})
     */
    public static void write(Path file, Map<String, NdArray> arrays, boolean compressed) {
        for (String name : arrays.keySet()) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.contains("\0")) {
                throw new IllegalArgumentException("array name '" + name + "' is not a valid .npz entry name");
            }
        }
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            // Not Files.createTempFile: its 0600 mode would survive the move.
            tmp = Files.createFile(abs.resolveSibling("." + abs.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp"));
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024);
                 ZipOutputStream zip = new ZipOutputStream(raw)) {
                for (Map.Entry<String, NdArray> a : arrays.entrySet()) {
                    writeEntry(zip, a.getKey() + ".npy", Npy.toBytes(a.getValue()), compressed);
                }
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write failure is the error to report
                }
            }
        }
    }

    private static void writeEntry(ZipOutputStream zip, String name, byte[] bytes, boolean compressed)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(ENTRY_TIME);
        if (!compressed) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.length);
            e.setCompressedSize(bytes.length);
            e.setCrc(crc.getValue());
        } else {
            e.setMethod(ZipEntry.DEFLATED);
        }
        zip.putNextEntry(e);
        zip.write(bytes);
        zip.closeEntry();
    }
}
