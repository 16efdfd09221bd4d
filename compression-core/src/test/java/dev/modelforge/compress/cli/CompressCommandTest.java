package dev.modelforge.compress.cli;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.testing.TinyModels;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CompressCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new CompressCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Path mlp() throws Exception {
        Path p = tmp.resolve("mlp.onnx");
        ModelFiles.write(TinyModels.mlp(13, 32, 64, 10), p);
        return p;
    }

    private List<String> leftovers() throws Exception {
        try (var s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.startsWith("out")).toList();
        }
    }

    @Test
    void compressesValidatesAndWritesReport() throws Exception {
        Path in = mlp();
        Path o = tmp.resolve("out.onnx");
        Path rep = tmp.resolve("report.json");
        int code = run(in.toString(), o.toString(), "--recipe", "int8-dynamic", "--report", rep.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(o).exists();
        assertThat(out.toString()).contains("size").contains("cosine similarity").contains("2 quantized");
        CompressionReport r = CompressionReport.fromJson(Files.readString(rep));
        assertThat(r.validation().passed()).isTrue();
        assertThat(r.validation().dataSource()).isEqualTo("synthetic");
        assertThat(r.validation().metrics().cosineSimilarity()).isGreaterThan(0.99);
        assertThat(r.recipe()).contains("\"perChannel\":true");
        assertThat(r.recipeSha256()).hasSize(64);
        assertThat(r.before().opHistogram()).containsKey("MatMul");
        assertThat(r.after().opHistogram()).containsKey("MatMulInteger").doesNotContainKey("MatMul");
        assertThat(r.passes().get(0).nodes()).anyMatch(n -> n.scales() != null && n.scales().count() == 64);
    }

    @Test
    void sameInputAndRecipeGiveByteIdenticalOutput() throws Exception {
        Path in = mlp();
        for (String recipe : new String[] {"int8-dynamic", "int4-weight-only"}) {
            assertThat(run(in.toString(), tmp.resolve("a.onnx").toString(), "--recipe", recipe)).isZero();
            assertThat(run(in.toString(), tmp.resolve("b.onnx").toString(), "--recipe", recipe)).isZero();
            assertThat(Files.readAllBytes(tmp.resolve("a.onnx"))).as(recipe)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("b.onnx")));
        }
    }

    @Test
    void evaluatesAgainstLabelsFromNpz() throws Exception {
        Path in = mlp();
        Random r = new Random(11);
        Path npz = tmp.resolve("eval.npz");
        Npz.write(npz, Map.of("x", NdArray.ofFloats(TinyModels.randn(r, 40 * 32, 1f), 40, 32),
                "labels", NdArray.ofLongs(new long[40], 40)));
        int code = run(in.toString(), tmp.resolve("out.onnx").toString(), "--recipe", "int8-dynamic",
                "--eval", npz.toString(), "--max-accuracy-drop", "100");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("top-1 accuracy").contains("eval (40 samples)");
    }

    @Test
    void unknownRecipeIsRejectedWithTheBuiltIns() throws Exception {
        int code = run(mlp().toString(), tmp.resolve("out.onnx").toString(), "--recipe", "int3-magic");
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("int3-magic").contains("int8-dynamic").contains("fp16");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void everyRegisteredPassRunsByNameWithParams() throws Exception {
        Path in = mlp();
        Path rep = tmp.resolve("report.json");
        int code = run(in.toString(), tmp.resolve("out.onnx").toString(), "--recipe", "prune-structured",
                "--param", "ratio=0.5", "--param", "multiple=4", "--min-cosine", "0", "--report", rep.toString());
        assertThat(code).as(err.toString()).isZero();
        CompressionReport r = CompressionReport.fromJson(Files.readString(rep));
        assertThat(r.recipe()).contains("\"pass\":\"prune-structured\"").contains("\"ratio\":0.5");
        assertThat(r.after().weightBytes()).isLessThan(r.before().weightBytes());
        code = run(in.toString(), tmp.resolve("out.onnx").toString(), "--recipe", "prune-magnitude",
                "--param", "sparsity=0.7", "--param", "minElements=16", "--min-cosine", "0", "--report", rep.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(CompressionReport.fromJson(Files.readString(rep)).recipe()).contains("\"sparsity\":0.7");
        for (String pass : PassRegistry.discover().names()) {
            if (pass.equals("auto")) {
                continue; // needs --eval; covered by AutoRecipeCommandTest
            }
            err.getBuffer().setLength(0);
            code = run(in.toString(), tmp.resolve("out-" + pass + ".onnx").toString(), "--recipe", pass,
                    "--min-cosine", "0");
            // a pass by name either compresses or says why not; it is never an unknown recipe
            assertThat(code).as(pass + ": " + err).isIn(0, CompressCommand.EXIT_REFUSED);
            assertThat(err.toString()).as(pass).doesNotContain("unknown recipe");
        }
        code = run(in.toString(), tmp.resolve("out.onnx").toString(), "--recipe", "prune-structured",
                "--param", "ratio=1.5");
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("ratio").contains("1.5");
    }

    @Test
    void listRecipesPrintsEveryPassWithParametersAndDefaults() {
        int code = run("--list-recipes");
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        for (String pass : PassRegistry.discover().names()) {
            assertThat(text).as(pass).containsPattern("(?m)^" + java.util.regex.Pattern.quote(pass) + "$");
        }
        assertThat(text).contains("--param ratio (number, default 0.3, range [0, 1])")
                .contains("--param sparsity (number, default 0.5")
                .contains("--param blockSize (integer, default 32, one of [16, 32, 64, 128, 256])")
                .contains("--param maxAccuracyDropPoints (number, default 0.5");
        assertThat(run()).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("--list-recipes");
    }

    @Test
    void unknownParamNamesPassParamAndValidOnes() throws Exception {
        int code = run(mlp().toString(), tmp.resolve("out.onnx").toString(), "--recipe", "int8-dynamic",
                "--param", "perChanel=true");
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("int8-dynamic").contains("perChanel").contains("perChannel (boolean");
        code = run(mlp().toString(), tmp.resolve("out.onnx").toString(), "--recipe", "int4-weight-only",
                "--param", "blockSize=48");
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("blockSize").contains("48");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void recipeFileWithBadJsonOrUnknownPassIsRejected() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "[{\"pass\": \"int8-dynamic\", \"parms\": {}}]");
        assertThat(run(mlp().toString(), tmp.resolve("out.onnx").toString(), "--recipe", bad.toString()))
                .isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("parms");
        Files.writeString(bad, "[{\"pass\": \"prune-magic\"}]");
        assertThat(run(mlp().toString(), tmp.resolve("out.onnx").toString(), "--recipe", bad.toString()))
                .isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("prune-magic").contains("int4-weight-only");
    }

    @Test
    void weightlessOrNonFloatModelIsRefusedCleanly() throws Exception {
        ModelBuilder b = ModelBuilder.create("ints", 13).input("a", DataType.INT64, -1, 4)
                .initializer(Tensor.ofInt64("k", new long[] {4}, new long[] {1, 2, 3, 4}));
        b.node("Add", List.of("a", "k"), List.of("y"));
        Model ints = b.output("y", DataType.INT64, -1, 4).build();
        Path in = tmp.resolve("ints.onnx");
        ModelFiles.write(ints, in);
        for (String recipe : new String[] {"int8-dynamic", "int4-weight-only"}) {
            assertThat(run(in.toString(), tmp.resolve("out.onnx").toString(), "--recipe", recipe)).as(recipe)
                    .isEqualTo(CompressCommand.EXIT_REFUSED);
        }
        assertThat(err.toString()).contains("nothing").doesNotContain("Exception");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void outputFailingTheGateIsNotWritten() throws Exception {
        int code = run(mlp().toString(), tmp.resolve("out.onnx").toString(), "--recipe", "int4-weight-only",
                "--param", "blockSize=256", "--min-cosine", "0.999999");
        assertThat(code).isEqualTo(CompressCommand.EXIT_VALIDATION_FAILED);
        assertThat(err.toString()).contains("cosine similarity").contains("no output was written");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void evalDataOfTheWrongNameIsRejected() throws Exception {
        Path npz = tmp.resolve("eval.npz");
        Npz.write(npz, Map.of("image", NdArray.ofFloats(new float[4 * 32], 4, 32)));
        int code = run(mlp().toString(), tmp.resolve("out.onnx").toString(), "--recipe", "int8-dynamic",
                "--eval", npz.toString());
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("eval.npz");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void notAnOnnxFileIsBadInput() throws Exception {
        Path junk = tmp.resolve("junk.onnx");
        Files.writeString(junk, "definitely not protobuf");
        assertThat(run(junk.toString(), tmp.resolve("out.onnx").toString(), "--recipe", "int8-dynamic"))
                .isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(leftovers()).isEmpty();
    }
}
