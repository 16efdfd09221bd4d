package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScratchDirsTest {

    @Test
    void sweepRemovesOnlyEntriesOfDeadProcesses() throws Exception {
        Path root = Files.createDirectories(Path.of("target", "scratch-" + UUID.randomUUID()));
        Path mine = ScratchDirs.createDirectory(root, "modelforge-job-");
        Files.writeString(mine.resolve("original.onnx"), "x");
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Path dead = Files.createDirectories(root.resolve("modelforge-job-pid" + finished.pid() + "-123"));
        Files.writeString(Files.createDirectories(dead.resolve("work")).resolve("partial.onnx"), "y");
        Path deadFile = Files.writeString(root.resolve("modelforge-bench-task-pid" + finished.pid() + "-9.json"), "{}");
        Path untagged = Files.createDirectories(root.resolve("somebody-elses-dir"));

        assertThat(mine.getFileName().toString()).contains("pid" + ProcessHandle.current().pid() + "-");
        assertThat(ScratchDirs.sweepDead(root)).isEqualTo(2);
        assertThat(dead).doesNotExist();
        assertThat(deadFile).doesNotExist();
        assertThat(mine.resolve("original.onnx")).exists();
        assertThat(untagged).exists();
        assertThat(ScratchDirs.sweepDead(root.resolve("missing"))).isZero();
    }
}
