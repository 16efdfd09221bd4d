package dev.modelforge.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AbandonedPutJanitorTest {

    @Test
    void removesOnlyOldUnfinishedTempFiles() throws Exception {
        Path blobs = Files.createDirectories(Path.of("target", "janitor-" + UUID.randomUUID()));
        Path dir = Files.createDirectories(blobs.resolve("modelforge/staging"));
        Path abandoned = write(dir.resolve("a-" + UUID.randomUUID()), Instant.now().minusSeconds(600));
        Path inProgress = write(dir.resolve("b-" + UUID.randomUUID()), Instant.now());
        Path finishedWithUuidName = write(dir.resolve("c-" + UUID.randomUUID()), Instant.now().minusSeconds(600));
        Files.getFileAttributeView(finishedWithUuidName, UserDefinedFileAttributeView.class)
                .write("content-md5", ByteBuffer.wrap("x".getBytes(StandardCharsets.US_ASCII)));
        Path blobWithoutTempName = write(dir.resolve(UUID.randomUUID().toString()), Instant.now().minusSeconds(600));

        System.setProperty("modelforge.localstack.abandoned-put-after", "60s");
        try (AbandonedPutJanitor janitor = AbandonedPutJanitor.watch(blobs)) {
            assertThat(janitor.sweep()).isEqualTo(1);
        } finally {
            System.clearProperty("modelforge.localstack.abandoned-put-after");
        }
        assertThat(abandoned).doesNotExist();
        assertThat(inProgress).exists();
        assertThat(finishedWithUuidName).exists();
        assertThat(blobWithoutTempName).exists();
    }

    private static Path write(Path p, Instant modified) throws Exception {
        Files.write(p, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }
}
