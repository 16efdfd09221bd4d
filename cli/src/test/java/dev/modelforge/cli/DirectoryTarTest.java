package dev.modelforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's tar of a model directory: exact announced length, model.onnx first, readable back, no links. */
class DirectoryTarTest {
    @TempDir
    Path dir;

    @Test
    void lengthIsExactAndEntriesReadBack() throws Exception {
        Files.write(dir.resolve("model.onnx"), new byte[1000]);
        Files.write(dir.resolve("a.data"), new byte[512]);
        Files.createDirectories(dir.resolve("weights"));
        String longName = "weights/" + "w".repeat(150) + ".bin";
        Files.write(dir.resolve(longName), new byte[3]);
        Files.write(dir.resolve("empty.bin"), new byte[0]);
        List<DirectoryTar.Entry> entries = DirectoryTar.entries(dir);
        assertThat(entries).extracting(DirectoryTar.Entry::path)
                .containsExactly("model.onnx", "a.data", "empty.bin", longName);

        byte[] tar;
        try (InputStream in = DirectoryTar.stream(dir, entries).open().get()) {
            tar = in.readAllBytes();
        }
        assertThat((long) tar.length).isEqualTo(DirectoryTar.length(entries));
        List<String> read = new ArrayList<>();
        try (var in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                read.add(e.getName() + ":" + in.readAllBytes().length);
            }
        }
        assertThat(read).containsExactly("model.onnx:1000", "a.data:512", "empty.bin:0", longName + ":3");
    }

    @Test
    void linksAreRefused() throws Exception {
        Files.write(dir.resolve("model.onnx"), new byte[10]);
        Files.createSymbolicLink(dir.resolve("model.onnx.data"), Path.of("/etc/hostname"));
        assertThatThrownBy(() -> DirectoryTar.entries(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a regular file");
        assertThat(new ByteArrayOutputStream().size()).isZero();
    }
}
