package dev.modelforge.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code modelforge compress} is reachable from the main command (compression-core's command, registered here). */
class CompressSubcommandTest {
    static final Path FIX = Path.of("../compression-core/src/test/resources/fixtures");

    @TempDir
    Path tmp;

    @Test
    void compressRunsThroughTheMainCommand() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path o = tmp.resolve("cnn-int8.onnx");
        int code = Main.run(new String[] {"compress", FIX.resolve("digits_cnn.onnx").toString(), o.toString(),
                "--recipe", "int8-dynamic", "--eval", FIX.resolve("digits_cnn_eval.npz").toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(o).exists();
        assertThat(out.toString()).contains("top-1 accuracy").contains("quantized");
    }

    @Test
    void autoWithoutEvalFailsThroughTheMainCommandToo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path o = tmp.resolve("cnn-auto.onnx");
        int code = Main.run(new String[] {"compress", FIX.resolve("digits_cnn.onnx").toString(), o.toString(),
                "--recipe", "auto"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--eval");
        assertThat(o).doesNotExist();
    }
}
