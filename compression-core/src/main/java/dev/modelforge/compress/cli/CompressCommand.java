package dev.modelforge.compress.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.compress.CompressionException;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.pass.NodeAction;
import dev.modelforge.compress.pass.ParamSpec;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeException;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.search.AutoPass;
import dev.modelforge.compress.validate.Metrics;
import dev.modelforge.compress.validate.ValidationGate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code modelforge compress IN.onnx OUT.onnx --recipe NAME|FILE.json ...}: compresses a model
 * offline, validates it with ONNX Runtime, prints a before/after table, and writes OUT only when
 * everything passed. Exit codes: 0 done, 2 bad input or recipe, 3 nothing to do / refused,
 * 4 validation failed, 1 I/O error.
 *
 * <p>Every registered pass is a recipe by its name ({@code --recipe prune-structured --param ratio=0.3});
 * {@code --list-recipes} prints them with their parameters and defaults.
 *
 * <p>{@code --recipe auto} runs the accuracy-aware search (needs {@code --eval}; uses
 * {@code --calibration} when given; {@code --param warmStart=report.json} reuses an earlier run's
 * sensitivity map). It exits 0 and writes its best variant even when no candidate meets the accuracy
 * budget: the issue asks for "the best variant it found plus a diagnosis — never nothing", and a
 * non-zero exit here means "no output written". The table then prints {@code budget NOT met} and the
 * diagnosis, and the report holds {@code search.budgetMet=false}.
 */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Quantize or convert an ONNX model, validate it with ONNX Runtime, and write it only if it passes.")
public final class CompressCommand implements Callable<Integer> {
    /** Exit code for bad arguments, unreadable models/data, or invalid recipes. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code when the tool cannot or will not compress this model. */
    public static final int EXIT_REFUSED = 3;
    /** Exit code when the compressed model failed validation (no output written). */
    public static final int EXIT_VALIDATION_FAILED = 4;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IN.onnx", description = "float ONNX model")
    Path input;

    @Parameters(index = "1", arity = "0..1", paramLabel = "OUT.onnx", description = "where to write the compressed model")
    Path output;

    @Option(names = "--recipe", paramLabel = "NAME|FILE.json",
            description = "a pass by name (int8-dynamic, int8-static, int4-weight-only, fp16, prune-structured, "
                    + "prune-magnitude, sparse-encode, auto; see --list-recipes) or a recipe JSON file")
    String recipe;

    @Option(names = "--list-recipes", description = "print every recipe with its parameters and defaults, then exit")
    boolean listRecipes;

    @Option(names = "--param", paramLabel = "KEY=VALUE",
            description = "override a pass parameter (PASS.KEY=VALUE for multi-pass recipes); for auto: "
                    + "maxAccuracyDropPoints, objective=latency|size, timeBudgetSeconds, warmStart=REPORT.json")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--calibration", paramLabel = "DATA", description = "calibration data (.npz or ONNX test-data dir/zip)")
    Path calibration;

    @Option(names = "--eval", paramLabel = "DATA", description = "evaluation data (.npz or ONNX test-data dir/zip)")
    Path eval;

    @Option(names = "--report", paramLabel = "report.json", description = "write the JSON compression report here")
    Path report;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--max-accuracy-drop", defaultValue = "2.0",
            description = "largest allowed top-1 drop in points (default ${DEFAULT-VALUE}; auto uses its "
                    + "maxAccuracyDropPoints instead)")
    double maxAccuracyDropPoints;

    @Option(names = "--min-cosine", defaultValue = "0.98",
            description = "smallest allowed output cosine similarity vs the float model (default ${DEFAULT-VALUE})")
    double minCosineSimilarity;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PassRegistry passes = PassRegistry.discover();
        if (listRecipes) {
            printRecipes(out, passes);
            out.flush();
            return 0;
        }
        if (input == null || output == null || recipe == null) {
            err.println("error: compress needs IN.onnx OUT.onnx --recipe NAME|FILE.json (--list-recipes shows the names)");
            return EXIT_BAD_INPUT;
        }
        String wrongPath = checkPaths();
        if (wrongPath != null) {
            err.println("error: " + wrongPath);
            err.println("no output was written.");
            return EXIT_BAD_INPUT;
        }
        Recipe r;
        Map<String, String> overrides = new LinkedHashMap<>(params);
        // warmStart names a local file: it steers this run but is no part of the recipe (not hashed, not stored)
        String warm = overrides.remove("warmStart");
        String warmQualified = overrides.remove(AutoPass.NAME + ".warmStart");
        warm = warm != null ? warm : warmQualified;
        try {
            r = Recipe.resolve(recipe, passes.names()).withOverrides(overrides);
        } catch (RecipeException e) {
            err.println("error: " + e.getMessage());
            return EXIT_BAD_INPUT;
        }
        boolean auto = r.steps().stream().anyMatch(s -> s.pass().equals(AutoPass.NAME));
        if (warm != null && !auto) {
            err.println("error: --param warmStart applies only to --recipe auto");
            return EXIT_BAD_INPUT;
        }
        if (warm != null && !Files.isRegularFile(Path.of(warm))) {
            err.println("error: --param warmStart=" + warm + ": no such file (give the --report JSON of an earlier "
                    + "auto run)");
            return EXIT_BAD_INPUT;
        }
        if (auto && eval == null) {
            err.println("error: --recipe auto needs --eval DATA (an evaluation set with labels): the search measures "
                    + "accuracy to choose what to compress");
            err.println("no output was written.");
            return EXIT_BAD_INPUT;
        }
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            err.println("error: OUT must differ from IN (the input is never overwritten)");
            return EXIT_BAD_INPUT;
        }
        CompressionRequest req = new CompressionRequest(input, output, r, Optional.ofNullable(calibration),
                Optional.ofNullable(eval), threads, new ValidationGate(maxAccuracyDropPoints, minCosineSimilarity),
                new ProgressBar(err), Map.of(), Optional.ofNullable(warm).map(Path::of));
        CompressionReport rep;
        try {
            rep = new Compressor(passes).compress(req);
        } catch (CompressionException e) {
            err.println();
            err.println((e.kind() == CompressionException.Kind.NOTHING_TO_DO ? "nothing to do: " : "error: ")
                    + e.getMessage());
            err.println("no output was written.");
            err.flush();
            return switch (e.kind()) {
                case BAD_INPUT, BAD_RECIPE -> EXIT_BAD_INPUT;
                case NOTHING_TO_DO, REFUSED -> EXIT_REFUSED;
                case VALIDATION_FAILED -> EXIT_VALIDATION_FAILED;
                case IO -> 1;
            };
        }
        printTable(out, rep);
        if (report != null) {
            try {
                writeAtomically(report, rep.toJson());
                out.println("report: " + report);
            } catch (IOException e) {
                err.println("error: model written, but the report could not be: " + e.getMessage());
                return 1;
            }
        }
        out.flush();
        return 0;
    }

    /** What is wrong with IN, OUT or the data paths before any work is done, or null. */
    private String checkPaths() {
        if (Files.isDirectory(input)) {
            return "IN.onnx " + input + " is a directory; compress takes one .onnx file (a model whose weights are"
                    + " in external-data files next to it is not supported yet)";
        }
        if (Files.isDirectory(output)) {
            return "OUT.onnx " + output + " is a directory; give the file name to write, e.g. " + output.resolve(
                    "model-compressed.onnx");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            return "OUT.onnx " + output + ": " + parent + " is a file, not a directory";
        }
        for (Path data : new Path[] {eval, calibration}) {
            if (data != null && !Files.exists(data)) {
                return (data == eval ? "--eval " : "--calibration ") + data + " does not exist";
            }
        }
        return null;
    }

    /** Every registered pass as a recipe: name, what it does, and each parameter with its type and default. */
    static void printRecipes(PrintWriter out, PassRegistry passes) {
        for (String name : passes.names()) {
            Pass pass = passes.create(name).orElseThrow();
            out.println(name);
            out.println("    " + pass.description());
            for (ParamSpec p : pass.parameters()) {
                out.println("    --param " + p.summary() + (p.description() == null ? "" : ": " + p.description()));
            }
            out.println();
        }
        out.println("A recipe file chains passes: [{\"pass\": NAME, \"params\": {...}}, ...]; "
                + "--param PASS.KEY=VALUE then targets one step.");
    }

    static void printTable(PrintWriter out, CompressionReport rep) {
        out.printf("%-22s %14s %14s%n", "", "before", "after");
        out.printf("%-22s %14s %14s   (%.2fx)%n", "size", mb(rep.before().fileBytes()), mb(rep.after().fileBytes()),
                rep.sizeRatio());
        out.printf("%-22s %14s %14s%n", "weights", mb(rep.before().weightBytes()), mb(rep.after().weightBytes()));
        Metrics m = rep.validation().metrics();
        if (m != null && m.accuracy() != null) {
            out.printf("%-22s %14s %14s   (%+.2f pt)%n", "top-1 accuracy", pct(m.referenceAccuracy()), pct(m.accuracy()),
                    m.accuracyDropPoints() == null ? 0.0 : -m.accuracyDropPoints());
        }
        if (m != null && m.cosineSimilarity() != null) {
            out.printf("%-22s %14s %14s%n", "top-1 agreement", "", pct(m.top1Agreement()));
            out.printf("%-22s %14s %14.6f%n", "cosine similarity", "", m.cosineSimilarity());
            out.printf("%-22s %14s %14.6f%n", "max abs error", "", m.maxAbsError());
        }
        out.printf("%-22s %14s %14s%n", "validated on", "", rep.validation().dataSource()
                + (m == null ? "" : " (" + m.samples() + " samples)"));
        out.printf("ops: %d quantized, %d converted, %d skipped, %d kept float%n", rep.count(NodeAction.QUANTIZED),
                rep.count(NodeAction.CONVERTED), rep.count(NodeAction.SKIPPED), rep.count(NodeAction.KEPT_FLOAT));
        rep.passes().forEach(p -> p.notes().forEach(n -> out.println("note (" + p.pass() + "): " + n)));
        if (rep.search() != null) {
            printSearch(out, rep.search());
        }
    }

    /** The auto search's choice: the mix, its measurements, and the diagnosis when the budget was missed. */
    static void printSearch(PrintWriter out, JsonNode search) {
        JsonNode chosen = search.path("chosen");
        out.printf("%-22s %s%n", "auto: chosen mix", chosen.path("label").asText("?"));
        StringBuilder steps = new StringBuilder();
        for (JsonNode step : search.path("recipe")) {
            steps.append(steps.length() == 0 ? "" : " -> ").append(step.path("pass").asText());
            JsonNode p = step.path("params");
            if (p.size() > 0) {
                steps.append(' ').append(p);
            }
        }
        out.printf("%-22s %s%n", "auto: recipe", steps.length() == 0 ? "(none: float model)" : steps);
        double latency = chosen.path("latencyRatio").asDouble(Double.NaN); // NaN: not measured (size objective)
        String latencyText = Double.isNaN(latency) ? "" : String.format(", latency %.2fx vs float", latency);
        out.printf("%-22s drop %.2f pt%s, %d candidates, %d sensitivity entries, %.1f s%s%n", "auto: search",
                chosen.path("dropPoints").asDouble(), latencyText, search.path("candidates").size(),
                search.path("sensitivity").size(), search.path("elapsedMillis").asLong() / 1000.0,
                search.path("timedOut").asBoolean() ? " (time budget hit)" : "");
        out.printf("%-22s %s%n", "auto: accuracy budget", search.path("budgetMet").asBoolean() ? "met" : "NOT met");
        if (search.hasNonNull("diagnosis")) {
            out.println("diagnosis: " + search.path("diagnosis").asText());
        }
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "?" : String.format("%.2f MB", bytes / 1e6);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format("%.2f%%", v * 100);
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path abs = target.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".partial");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Draws {@code [#####.....] phase 12/40} on stderr, redrawing in place. */
    static final class ProgressBar implements ProgressListener {
        private final PrintWriter err;
        private String lastPhase;

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void onProgress(String phase, long done, long total) {
            if (lastPhase != null && !lastPhase.equals(phase)) {
                err.println();
            }
            lastPhase = phase;
            int width = 30;
            int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
            err.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + phase + " " + done
                    + (total > 0 ? "/" + total : ""));
            if (total > 0 && done >= total) {
                err.println();
                lastPhase = null;
            }
            err.flush();
        }
    }
}
