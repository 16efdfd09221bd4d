package dev.modelforge.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.LatencyComparison;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.pass.Pass;
import dev.modelforge.compress.pass.PassContext;
import dev.modelforge.compress.pass.PassParams;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.pass.ProgressListener;
import dev.modelforge.onnx.SignatureReader;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.worker.benchmark.measure.BenchmarkRequest;
import dev.modelforge.worker.benchmark.measure.BenchmarkRunner;
import dev.modelforge.worker.benchmark.measure.LoadedModel;
import dev.modelforge.worker.benchmark.measure.MeasurementPlan;
import dev.modelforge.worker.benchmark.measure.PairedBenchmark;
import dev.modelforge.worker.benchmark.measure.RuntimeSettings;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Does the benchmark worker's variant/baseline latency ratio agree with an independent measurement?
 *
 * <p>Builds an int8 variant of a fixture (static QDQ if that pass is available, else dynamic), then
 * (1) runs the worker's real path — {@link BenchmarkRunner}, child JVMs, DJL, interleaved rounds — several
 * times at batch 1, and (2) measures the same pair side by side with the plain ONNX Runtime Java API (two
 * sessions, spinning off, alternating blocks, ratio of overall medians). It also compares the in-process
 * {@link PairedBenchmark} with the independent measurement at a compute-bound batch. Pass criteria:
 * worker ratio within 10% of the independent one; every repeat's ratio inside the other repeats' stored 95%
 * prediction intervals (the interval that claims where a repeat lands; the CI is about the true ratio).
 *
 * <pre>
 * java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true -cp "$(cat bench/target/cp.txt):bench/target/classes" \
 *   dev.modelforge.bench.BenchmarkAgreementBench [fixtureDir] [model-name] [repeats] [processes] [rounds]
 * </pre>
 * The worker's {@link MeasurementPlan#standard()} is used with the given processes × rounds (its default is
 * 6 × 15), so the printed seconds per run are what a job costs. It also prints each run's per-process ratios
 * and the spread between processes and between jobs, from which {@link MeasurementPlan#jobLogSpread} is set.
 */
public final class BenchmarkAgreementBench {

    private static final int BIG_BATCH = 32;

    private BenchmarkAgreementBench() {
    }

    public static void main(String[] args) throws Exception {
        // DJL's engine must create the ORT environment (with its threading options) before anyone else does
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        Path fixtures = Path.of(args.length > 0 ? args[0] : "compression-core/src/test/resources/fixtures");
        String name = args.length > 1 ? args[1] : "digits_cnn";
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int processes = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 40;
        Path baseline = fixtures.resolve(name + ".onnx");
        Path eval = fixtures.resolve(name + "_eval.npz");
        Path work = Files.createTempDirectory("agreement-bench");
        Path variant = work.resolve(name + "_int8.onnx");
        String passName = makeVariant(baseline, fixtures.resolve(name + "_calib.npz"), variant, work);
        System.out.printf("model %s, variant by %s: %d → %d bytes; %d repeats × %d processes × %d rounds%n", name,
                passName, Files.size(baseline), Files.size(variant), repeats, processes, rounds);

        RuntimeSettings settings = RuntimeSettings.cpuDefaults();
        // the worker's own plan (what a real job costs), with processes × rounds from the command line
        MeasurementPlan std = MeasurementPlan.standard();
        MeasurementPlan plan = new MeasurementPlan(std.warmupIterations(), std.warmupMillis(), std.minIterations(),
                std.maxIterations(), std.budgetMillis(), std.throughputIterations(), rounds, processes,
                std.iterationsPerRound(), std.bootstrapResamples(), std.seed());
        BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(), Duration.ofMinutes(5), "bench");
        List<LatencyComparison> runs = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            BenchmarkResult r = runner.run(new BenchmarkRequest(variant, baseline, null, eval, settings, plan, null));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r.status() != BenchmarkStatus.OK) {
                throw new IllegalStateException("worker run failed: " + r.failureReason() + " " + r.failureDetail());
            }
            LatencyComparison c = r.comparison();
            runs.add(c);
            System.out.printf("worker run %d (%.1f s): ratio %.4f CI [%.4f, %.4f] repeat-PI [%.4f, %.4f]  "
                            + "per process %s  baseline p50 %.4f ms, variant p50 %.4f ms, "
                            + "top-1 %.4f, agreement %.4f, peak RSS %.1f MB (base %.1f)%n", i + 1, seconds, c.ratio(),
                    c.ciLow(), c.ciHigh(), c.predictionLow(), c.predictionHigh(), fmt(c.processRatios()),
                    c.baselineLatency().p50Millis(), c.variantLatency().p50Millis(),
                    r.accuracy().top1Accuracy(), r.accuracy().top1Agreement(), r.peakRssMb(), r.baseRssMb());
        }
        EvalDataset data = EvalDataset.load(eval, SignatureReader.read(baseline));
        double independent1 = independentRatio(baseline, variant, data, 1, 40, 25);
        double worker1 = runs.stream().mapToDouble(LatencyComparison::ratio).sorted().toArray()[runs.size() / 2];
        double dev1 = worker1 / independent1 - 1;
        int insidePi = 0;
        int insideCi = 0;
        int overlap = 0;
        int pairs = 0;
        for (LatencyComparison a : runs) {
            for (LatencyComparison b : runs) {
                if (a != b) {
                    pairs++;
                    insidePi += b.ratio() >= a.predictionLow() && b.ratio() <= a.predictionHigh() ? 1 : 0;
                    insideCi += b.ratio() >= a.ciLow() && b.ratio() <= a.ciHigh() ? 1 : 0;
                    overlap += b.ciLow() <= a.ciHigh() && a.ciLow() <= b.ciHigh() ? 1 : 0;
                }
            }
        }
        System.out.printf("batch 1: worker median ratio %.3f, independent ORT ratio %.3f, deviation %+.1f%% → %s%n",
                worker1, independent1, 100 * dev1, Math.abs(dev1) <= 0.10 ? "AGREE" : "DISAGREE");
        System.out.printf("repeats: ratio of run j inside the stored repeat-PI of run i for %d of %d pairs (%s); "
                        + "inside the CI for %d of %d; CIs overlap for %d of %d%n", insidePi, pairs,
                insidePi == pairs ? "CONSISTENT" : "INCONSISTENT", insideCi, pairs, overlap, pairs);
        spreads(runs);
        System.out.printf("load average during the bench: %s%n",
                Files.readString(Path.of("/proc/loadavg")).trim());

        double workerBig;
        try (LoadedModel a = LoadedModel.load(baseline, settings); LoadedModel b = LoadedModel.load(variant, settings)) {
            workerBig = new PairedBenchmark(new MeasurementPlan(10, 200, 10, 100, 500, 10, 20, 1, 5, 2000, 42L), BIG_BATCH)
                    .compare(a, b, data, null).ratio();
        }
        double independentBig = independentRatio(baseline, variant, data, BIG_BATCH, 20, 5);
        double devBig = workerBig / independentBig - 1;
        System.out.printf("batch %d: engine ratio %.3f, independent ORT ratio %.3f, deviation %+.1f%% → %s%n", BIG_BATCH,
                workerBig, independentBig, 100 * devBig, Math.abs(devBig) <= 0.10 ? "AGREE" : "DISAGREE");
    }

    /**
     * Where the spread comes from: the pooled within-job standard deviation of ln(per-process ratio) (what
     * the stored intervals see) against the standard deviation of the job ratios times √k (what it would be
     * if processes were all there is). The second exceeding the first means a job-level component.
     */
    private static void spreads(List<LatencyComparison> runs) {
        double ss = 0;
        int df = 0;
        double[] jobLogs = new double[runs.size()];
        int k = runs.get(0).processes();
        for (int j = 0; j < runs.size(); j++) {
            double[] y = runs.get(j).processRatios().stream().mapToDouble(Math::log).toArray();
            double m = Arrays.stream(y).average().orElseThrow();
            for (double v : y) {
                ss += (v - m) * (v - m);
            }
            df += y.length - 1;
            jobLogs[j] = Math.log(runs.get(j).ratio());
        }
        double jm = Arrays.stream(jobLogs).average().orElseThrow();
        double jss = Arrays.stream(jobLogs).map(v -> (v - jm) * (v - jm)).sum();
        System.out.printf("spread of ln(ratio): between processes within a job %.2f%% (pooled, %d df); "
                        + "between jobs %.2f%% (= %.2f%% per process if processes were all)%n",
                100 * Math.sqrt(ss / Math.max(df, 1)), df, 100 * Math.sqrt(jss / Math.max(runs.size() - 1, 1)),
                100 * Math.sqrt(k * jss / Math.max(runs.size() - 1, 1)));
    }

    private static String fmt(List<Double> values) {
        return values.stream().map(v -> String.format(java.util.Locale.ROOT, "%.4f", v)).toList().toString();
    }

    /** Prefers static int8 (the variant that matters for CNNs); falls back to dynamic int8 if not built yet. */
    private static String makeVariant(Path in, Path calib, Path out, Path work) throws Exception {
        PassRegistry registry = PassRegistry.discover();
        for (String name : List.of("int8-static", "int8-dynamic")) {
            Optional<Pass> pass = registry.create(name);
            if (pass.isPresent()) {
                PassContext ctx = new PassContext(PassParams.defaults(pass.get()), Optional.of(calib),
                        ProgressListener.NONE, 1, work);
                Model m = pass.get().apply(ModelFiles.read(in), ctx).model();
                ModelFiles.write(m, out);
                return name;
            }
        }
        throw new IllegalStateException("no int8 pass registered: " + registry.names());
    }

    /**
     * Independent side-by-side measurement with the ORT Java API: same threads, spinning off, alternating
     * blocks (A B, B A, …); ratio of the overall median latencies (not the median of per-round ratios).
     */
    static double independentRatio(Path a, Path b, EvalDataset data, int batch, int blocks, int perBlock)
            throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
            so.addConfigEntry("session.inter_op.allow_spinning", "0");
            NdArray x = data.batch(0, batch).get("input");
            try (OrtSession sa = env.createSession(a.toString(), so); OrtSession sb = env.createSession(b.toString(), so);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.toFloatArray()), x.shape())) {
                Map<String, OnnxTensor> in = Map.of("input", t);
                for (int i = 0; i < 100; i++) {
                    sa.run(in).close();
                    sb.run(in).close();
                }
                long[] ta = new long[blocks * perBlock];
                long[] tb = new long[blocks * perBlock];
                for (int blk = 0; blk < blocks; blk++) {
                    boolean aFirst = blk % 2 == 0;
                    time(aFirst ? sa : sb, in, aFirst ? ta : tb, blk * perBlock, perBlock);
                    time(aFirst ? sb : sa, in, aFirst ? tb : ta, blk * perBlock, perBlock);
                }
                return median(tb) / median(ta);
            }
        }
    }

    private static void time(OrtSession s, Map<String, OnnxTensor> in, long[] out, int from, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            s.run(in).close();
            out[from + i] = System.nanoTime() - t0;
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
