package dev.modelforge.cli;

import dev.modelforge.api.client.StreamedModel;
import dev.modelforge.api.version.ManifestFile;
import dev.modelforge.api.version.MediaTypes;
import dev.modelforge.onnx.ExternalData;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A model directory (model.onnx plus its external-data files) packed as a tar stream while it is sent: a writer
 * thread fills a small pipe, so nothing is spooled to disk and memory stays at the pipe's size. The length is
 * computed up front (512-byte headers, GNU long names, star big numbers, no record padding), so the request carries a
 * Content-Length and the registry can refuse an oversized upload before reading it.
 */
final class DirectoryTar {
    private static final int BLOCK = 512;
    private static final int PIPE_BYTES = 1 << 20;

    /** A regular file of the directory and its path inside it. */
    record Entry(String path, Path file, long size) {
    }

    private DirectoryTar() {
    }

    /** Whether {@code dir} looks like a model directory (it has model.onnx at its top). */
    static boolean isModelDirectory(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(ManifestFile.MODEL_FILE));
    }

    /**
     * The regular files of {@code dir}, model.onnx first (so the registry checks the graph before the weights
     * arrive), then by path.
     *
     * @throws IllegalArgumentException for a link or a path the registry would refuse
     */
    static List<Entry> entries(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                if (p.equals(dir) || Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String path = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException(p + " is not a regular file (links are not uploaded); copy "
                            + "the file it points to into the directory");
                }
                if (ExternalData.unsafeReason(path) != null) {
                    throw new IllegalArgumentException(p + ": " + ExternalData.unsafeReason(path));
                }
                entries.add(new Entry(path, p, Files.size(p)));
            }
        }
        entries.sort((a, b) -> a.path().equals(ManifestFile.MODEL_FILE) ? -1
                : b.path().equals(ManifestFile.MODEL_FILE) ? 1 : a.path().compareTo(b.path()));
        return entries;
    }

    /** The directory as a replayable tar body. */
    static StreamedModel stream(Path dir, List<Entry> entries) {
        return new StreamedModel(dir.getFileName() + ".tar", MediaTypes.TAR, length(entries), () -> open(entries));
    }

    /** Exact length of the tar {@link #open} writes. */
    static long length(List<Entry> entries) {
        long n = 2L * BLOCK; // end-of-archive marker
        for (Entry e : entries) {
            int nameBytes = e.path().getBytes(StandardCharsets.UTF_8).length;
            n += BLOCK + padded(e.size());
            if (nameBytes >= 100) {
                n += BLOCK + padded(nameBytes + 1L); // GNU ././@LongLink entry carrying the name
            }
        }
        return n;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    static InputStream open(List<Entry> entries) {
        try {
            PipedInputStream in = new PipedInputStream(PIPE_BYTES);
            PipedOutputStream out = new PipedOutputStream(in);
            Thread writer = new Thread(() -> write(entries, out), "modelforge-tar");
            writer.setDaemon(true);
            writer.start();
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the tar; on failure the pipe breaks and the reader (the upload) fails with it. */
    static void write(List<Entry> entries, OutputStream out) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, BLOCK)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
            for (Entry e : entries) {
                TarArchiveEntry entry = new TarArchiveEntry(e.path());
                entry.setSize(e.size());
                tar.putArchiveEntry(entry);
                try (InputStream file = Files.newInputStream(e.file())) {
                    if (file.transferTo(tar) != e.size()) {
                        throw new IOException(e.file() + " changed size while being uploaded");
                    }
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the reader sees the broken pipe
            }
        }
    }
}
