package dev.modelforge.bench;

import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.compress.pass.prune.Costs;
import dev.modelforge.compress.pass.prune.SimdIsa;
import dev.modelforge.compress.search.AutoSearch;
import dev.modelforge.compress.search.Objective;
import dev.modelforge.compress.search.PairedLatency;
import dev.modelforge.compress.search.SearchOutcome;
import dev.modelforge.compress.search.SearchSpec;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pruning benchmark on the fixtures, side by side in one run: structured 30 % / 50 % (MACs, paired
 * ORT latency ratio at batch 1 and 64, accuracy drop with and without reconstruction), unstructured
 * 80 % (artifact size, drop), and the auto search with a 0.5 pt budget vs plain int8.
 *
 * <p>Usage: {@code PruningBench <fixturesDir> [rounds] [autoSeconds]}. Short by default: the machine is shared.
 */
public final class PruningBench {
    private static Path tmp;
    private static int rounds;
    /** Float parameters of the CNN, the reference of every row that reports ratios. */
    private static long params0;

    public static void main(String[] args) throws Exception {
        Path fix = Path.of(args.length > 0 ? args[0] : "compression-core/src/test/resources/fixtures");
        rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int autoSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        tmp = Files.createTempDirectory("pruning-bench");
        Path cnn = fix.resolve("digits_cnn.onnx");
        Path calib = fix.resolve("digits_cnn_calib.npz");
        Path evalFile = fix.resolve("digits_cnn_eval.npz");
        Model f = ModelFiles.read(cnn);
        EvalDataset eval = EvalDataset.load(evalFile, ModelSignature.of(f.toProto()));
        long macs0 = Costs.macsPerNode(f, eval, 1).values().stream().mapToLong(Long::longValue).sum();
        params0 = Costs.params(f);
        System.out.println("| variant | Conv channels kept | MACs ratio | params ratio | size ratio | latency b1 | latency b64 "
                + "| top-1 drop (pt) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        row("float vs itself (noise check)", cnn, f, eval, macs0);
        for (double ratio : new double[]{0.3, 0.5}) {
            for (boolean rec : new boolean[]{false, true}) {
                Map<String, Object> p = Map.of("ratio", ratio, "reconstruct", rec, "bnRecalibration", rec);
                Model m = apply("prune-structured", f, p, rec ? calib : null);
                row(String.format(Locale.ROOT, "structured %.0f%% %s", ratio * 100, rec ? "+BN+LS" : "(no recovery)"),
                        cnn, m, eval, macs0);
            }
        }
        for (String rounding : new String[]{"budget", "nearest", "up"}) {
            Model m = apply("prune-structured", f, Map.of("ratio", 0.3, "isa", "auto", "rounding", rounding), calib);
            row(String.format(Locale.ROOT, "structured 30%% +BN+LS, isa=auto (%s: %d), rounding=%s",
                    SimdIsa.host().name().toLowerCase(Locale.ROOT), SimdIsa.host().floatsPerBlock(), rounding),
                    cnn, m, eval, macs0);
        }
        Model sparse = apply("prune-magnitude", f, Map.of("sparsity", 0.8), calib);
        row("unstructured 80% (sparse init, LS refit)", cnn, sparse, eval, -1);
        Model sparseNoRefit = apply("prune-magnitude", f, Map.of("sparsity", 0.8, "reconstruct", false), null);
        row("unstructured 80% (no refit)", cnn, sparseNoRefit, eval, -1);
        for (String name : new String[]{"digits_cnn", "digits_transformer"}) {
            Path model = fix.resolve(name + ".onnx");
            Path c = fix.resolve(name + "_calib.npz");
            Path e = fix.resolve(name + "_eval.npz");
            SearchOutcome o = new AutoSearch(new SearchSpec(0.5, Objective.LATENCY, Duration.ofSeconds(autoSeconds), c, e,
                    1, 64, Map.of())).run(model);
            Model fm = ModelFiles.read(model);
            EvalDataset ev = EvalDataset.load(e, ModelSignature.of(fm.toProto()));
            Model int8 = apply("int8-static", fm, Map.of(), c);
            Path pi = write(int8);
            Path pa = write(o.model());
            double vsInt8b1 = PairedLatency.ratio(pi, pa, ev, 1, rounds, 1);
            double vsInt8b64 = PairedLatency.ratio(pi, pa, ev, 64, rounds, 1);
            System.out.printf(Locale.ROOT, "%nauto %s (budget 0.5 pt, %d s): chose '%s' recipe %s; drop %.2f pt; "
                            + "latency vs float (b64) %.2fx; vs plain int8-static: b1 %.2fx, b64 %.2fx; budget met %s; "
                            + "%d ms; diagnosis: %s%n", name, autoSeconds, o.chosen().label(), o.recipe().canonicalJson(),
                    o.chosen().dropPoints(), o.chosen().latencyRatio(), vsInt8b1, vsInt8b64, o.budgetMet(),
                    o.elapsedMillis(), o.diagnosis());
            row("  plain int8-static " + name, model, int8, ev, -1);
        }
    }

    private static Model apply(String pass, Model m, Map<String, Object> params, Path calib) throws Exception {
        Pass p = PassRegistry.discover().create(pass).orElseThrow();
        return p.apply(m, new PassContext(PassParams.resolve(p, params), Optional.ofNullable(calib),
                ProgressListener.NONE, 1, tmp)).model();
    }

    private static Path write(Model m) throws Exception {
        Path p = tmp.resolve("v" + System.nanoTime() + ".onnx");
        ModelFiles.write(m, p);
        return p;
    }

    private static void row(String label, Path ref, Model m, EvalDataset eval, long macs0) throws Exception {
        Path p = write(m);
        var v = new Validator(1, 64, ValidationGate.loadAndRunOnly()).validate(p, ref, eval);
        double drop = v.metrics().accuracyDropPoints();
        long macs = macs0 > 0 ? Costs.macsPerNode(m, eval, 1).values().stream().mapToLong(Long::longValue).sum() : -1;
        double b1 = PairedLatency.ratio(ref, p, eval, 1, rounds, 1);
        double b64 = PairedLatency.ratio(ref, p, eval, 64, rounds, 1);
        String kept = macs0 <= 0 ? "-" : m.graph().nodes().stream().filter(n -> n.is("Conv"))
                .map(n -> m.graph().initializer(n.input(1)).map(t -> String.valueOf(t.dim(0))).orElse("?"))
                .collect(java.util.stream.Collectors.joining("/"));
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %.2f | %.2f | %.2f |%n", label, kept,
                macs0 > 0 ? String.format(Locale.ROOT, "%.3f", macs / (double) macs0) : "-",
                macs0 > 0 ? String.format(Locale.ROOT, "%.3f", Costs.params(m) / (double) params0) : "-", Files.size(p) / (double) Files.size(ref), b1, b64, drop);
    }
}
