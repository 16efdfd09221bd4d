package dev.modelforge.compress.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.ValidationResult;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --recipe auto} through the command line on the trained CNN fixture, with small time budgets. */
class AutoRecipeCommandTest {
    static final Path FIX = Path.of("src/test/resources/fixtures");
    static final Path CNN = FIX.resolve("digits_cnn.onnx");
    static final Path EVAL = FIX.resolve("digits_cnn_eval.npz");
    static final Path CALIB = FIX.resolve("digits_cnn_calib.npz");

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

    private int auto(Path o, Path report, String... more) {
        List<String> args = new ArrayList<>(List.of(CNN.toString(), o.toString(), "--recipe", "auto",
                "--eval", EVAL.toString(), "--calibration", CALIB.toString(), "--report", report.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** Runs the written file again, independently of the command, and returns its validation. */
    private static ValidationResult revalidate(Path o) throws Exception {
        EvalDataset eval = EvalDataset.load(EVAL, ModelSignature.of(ModelFiles.read(o).toProto()));
        return new Validator(1, 64, ValidationGate.loadAndRunOnly()).validate(o, CNN, eval);
    }

    @Test
    void autoWritesAValidatedVariantAndReportsTheSearch() throws Exception {
        Path o = tmp.resolve("out.onnx");
        Path rep = tmp.resolve("report.json");
        int code = auto(o, rep, "--param", "timeBudgetSeconds=20");
        assertThat(code).as(err.toString()).isZero();
        assertThat(o).exists();
        CompressionReport r = CompressionReport.fromJson(Files.readString(rep));
        assertThat(r.validation().passed()).isTrue();
        assertThat(r.recipe()).contains("\"pass\":\"auto\"").contains("\"timeBudgetSeconds\":20.0")
                .contains("\"objective\":\"latency\"").contains("\"maxAccuracyDropPoints\":0.5");
        JsonNode search = r.search();
        assertThat(search).isNotNull();
        assertThat(search.path("sensitivity").size()).isPositive();
        assertThat(search.path("sensitivity").fieldNames()).toIterable().anyMatch(k -> k.startsWith("quant:"));
        assertThat(search.path("decisions").size()).isPositive();
        assertThat(search.path("candidates").size()).isPositive();
        String label = search.path("chosen").path("label").asText();
        assertThat(out.toString()).contains("auto: chosen mix").contains(label).contains("auto: accuracy budget");
        // the written file is what the report says: it runs, and its accuracy matches the search's measurement
        ValidationResult v = revalidate(o);
        assertThat(v.passed()).isTrue();
        assertThat(v.metrics().accuracy()).isEqualTo(r.validation().metrics().accuracy());
        assertThat(v.metrics().accuracy()).isEqualTo(search.path("chosen").path("accuracy").asDouble());
        if (search.path("budgetMet").asBoolean()) {
            assertThat(r.validation().metrics().accuracyDropPoints()).isLessThanOrEqualTo(0.5 + 1e-9);
            assertThat(r.after().fileBytes()).isLessThan(r.before().fileBytes());
        } else {
            assertThat(search.path("diagnosis").asText()).isNotBlank();
            assertThat(out.toString()).contains("diagnosis:");
        }
        // the chosen concrete recipe travels with the model, next to the requested one
        assertThat(ModelFiles.read(o).metadata()).containsKey("modelforge.recipe.resolved");
    }

    @Test
    void autoWithoutEvalNamesTheOptionAndWritesNothing() throws Exception {
        Path o = tmp.resolve("out.onnx");
        int code = run(CNN.toString(), o.toString(), "--recipe", "auto", "--calibration", CALIB.toString());
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("--eval").contains("no output was written");
        try (var s = Files.list(tmp)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void unknownAutoParamIsTheUsualRecipeError() throws Exception {
        int code = run(CNN.toString(), tmp.resolve("out.onnx").toString(), "--recipe", "auto", "--eval",
                EVAL.toString(), "--param", "maxDrop=1");
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("auto").contains("maxDrop").contains("maxAccuracyDropPoints (number");
        code = run(CNN.toString(), tmp.resolve("out.onnx").toString(), "--recipe", "auto", "--eval",
                EVAL.toString(), "--param", "objective=memory");
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("objective").contains("memory").contains("latency, size");
        assertThat(tmp.resolve("out.onnx")).doesNotExist();
    }

    /**
     * Decision: a missed budget still exits 0 with the best variant written (the issue: "always returns
     * the best variant it found plus a diagnosis — never nothing"; non-zero means nothing was written),
     * and says so in the table and the report.
     */
    @Test
    void impossibleBudgetStillWritesTheBestVariantWithADiagnosis() throws Exception {
        Path o = tmp.resolve("out.onnx");
        Path rep = tmp.resolve("report.json");
        int code = auto(o, rep, "--param", "maxAccuracyDropPoints=0", "--param", "objective=size",
                "--param", "timeBudgetSeconds=0.001");
        assertThat(code).as(err.toString()).isZero();
        assertThat(o).exists();
        assertThat(revalidate(o).passed()).isTrue();
        JsonNode search = CompressionReport.fromJson(Files.readString(rep)).search();
        assertThat(search.path("budgetMet").asBoolean()).isFalse();
        assertThat(search.path("timedOut").asBoolean()).isTrue();
        assertThat(search.path("diagnosis").asText()).contains("time budget");
        assertThat(out.toString()).contains("NOT met").contains("diagnosis:").contains("time budget");
    }

    @Test
    void warmStartReusesAPreviousSensitivityMap() throws Exception {
        // a previous report claims the Gemm costs 42 pt: measured it would be about 1 pt, so seeing 42
        // again proves the search trusted the map instead of re-measuring
        Path previous = tmp.resolve("previous.json");
        Files.writeString(previous, "{\"search\": {\"sensitivity\": {\"quant:/fc/Gemm\": 42.0}}}");
        Path o = tmp.resolve("out.onnx");
        Path rep = tmp.resolve("report.json");
        int code = auto(o, rep, "--param", "timeBudgetSeconds=20", "--param", "warmStart=" + previous);
        assertThat(code).as(err.toString()).isZero();
        CompressionReport r = CompressionReport.fromJson(Files.readString(rep));
        assertThat(r.search().path("sensitivity").path("quant:/fc/Gemm").asDouble()).isEqualTo(42.0);
        assertThat(r.search().path("warmStartedFrom").asText()).isEqualTo(previous.toString());
        assertThat(r.recipe()).doesNotContain("warmStart"); // a local path is no part of the variant's identity

        Files.writeString(previous, "{\"passes\": []}");
        code = auto(tmp.resolve("out2.onnx"), tmp.resolve("r2.json"), "--param", "warmStart=" + previous);
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("no sensitivity map");
        assertThat(tmp.resolve("out2.onnx")).doesNotExist();
        code = run(CNN.toString(), tmp.resolve("out2.onnx").toString(), "--recipe", "int8-dynamic",
                "--param", "warmStart=" + previous);
        assertThat(code).isEqualTo(CompressCommand.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("only to --recipe auto");
    }
}
