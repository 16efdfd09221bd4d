package dev.modelforge.worker.benchmark.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.api.benchmark.LatencyComparison;
import dev.modelforge.api.benchmark.LatencyStats;
import dev.modelforge.api.benchmark.ThroughputPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measuring engine run inside the test JVM (the child process is covered by BenchmarkRunnerTest). */
class InProcessEngineTest {

    private static final RuntimeSettings SETTINGS = RuntimeSettings.cpuDefaults().withBatchSizes(List.of(1, 4));

    @TempDir
    Path dir;

    @Test
    void matMulAddLatencyAndThroughputAreSane() throws Exception {
        Path file = TinyModels.matMulAdd(dir, "mm", new float[12], new float[] {1, 2, 3});
        try (LoadedModel m = LoadedModel.load(file, SETTINGS)) {
            LatencyReport r = new LatencyBenchmark(MeasurementPlan.quick()).measure(m, null, SETTINGS.batchSizes());
            assertSane(r.latency(), 1, MeasurementPlan.quick().minIterations());
            assertThat(r.loadMillis()).isPositive();
            assertThat(r.sizeBytes()).isEqualTo(Files.size(file));
            assertThat(r.throughput()).extracting(ThroughputPoint::batchSize).containsExactly(1, 4);
            for (ThroughputPoint t : r.throughput()) {
                assertThat(t.samplesPerSecond()).isPositive().isFinite();
                assertSane(t.latency(), t.batchSize(), 3);
            }
            assertThat(r.notes()).contains("inputs: generated from signature");
        }
    }

    @Test
    void convRunsAtEveryBatchSizeAndOutputsHaveTheRightShape() throws Exception {
        Path file = TinyModels.conv(dir, "conv");
        try (LoadedModel m = LoadedModel.load(file, SETTINGS)) {
            LatencyReport r = new LatencyBenchmark(MeasurementPlan.quick()).measure(m, null, SETTINGS.batchSizes());
            assertSane(r.latency(), 1, 10);
            assertThat(r.throughput()).hasSize(2);
            try (var in = m.prepare(InputFactory.inputs(m.signature(), null, 4, 1))) {
                assertThat(m.run(in).get("Y").shape()).containsExactly(4, 2, 3, 3);
            }
        }
    }

    @Test
    void pairedRunStoresBothDistributionsAndAnIntervalAroundTheRatio() throws Exception {
        Path a = TinyModels.conv(dir, "a");
        Path b = TinyModels.matMulAdd(dir, "b", new float[12], new float[3]);
        MeasurementPlan plan = MeasurementPlan.quick();
        try (LoadedModel base = LoadedModel.load(a, SETTINGS); LoadedModel variant = LoadedModel.load(b, SETTINGS)) {
            LatencyComparison c = new PairedBenchmark(plan).compare(base, variant, null, "v-7");
            assertThat(c.baselineVariantId()).isEqualTo("v-7");
            assertThat(c.processes()).isEqualTo(1);
            assertThat(c.rounds()).isEqualTo(plan.pairedRounds());
            assertThat(c.ratio()).isPositive().isFinite();
            assertThat(c.ciLow()).isLessThanOrEqualTo(c.ratio());
            assertThat(c.ciHigh()).isGreaterThanOrEqualTo(c.ratio());
            assertThat(c.processRatios()).hasSize(1);
            assertThat(c.predictionLow()).isLessThan(c.ciLow());
            assertThat(c.predictionHigh()).isGreaterThan(c.ciHigh());
            assertThat(c.confidenceLevel()).isEqualTo(0.95);
            int samples = plan.pairedRounds() * plan.iterationsPerRound();
            assertSane(c.baselineLatency(), 1, samples);
            assertSane(c.variantLatency(), 1, samples);
            assertThat(c.baselineLatency().samples()).isEqualTo(samples);
        }
    }

    @Test
    void truncatedModelIsACorruptModelFailure() throws Exception {
        Path file = TinyModels.truncated(dir, "cut");
        assertThatThrownBy(() -> LoadedModel.load(file, SETTINGS))
                .isInstanceOfSatisfying(BenchmarkFailure.class,
                        f -> assertThat(f.reason()).isEqualTo(FailureReason.CORRUPT_MODEL));
    }

    /** The same external-data check as the registry's, before ONNX Runtime ever opens the file. */
    @Test
    void externalDataOutsideTheModelDirectoryIsRefusedBeforeTheRuntimeSeesIt() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.write(dir.resolve("secret.bin"), new byte[48]); // exists, so only the check can refuse it
        for (String location : List.of("../secret.bin", dir.resolve("secret.bin").toString())) {
            Path file = TinyModels.externalWeights(models, "escape", location);
            assertThatThrownBy(() -> LoadedModel.load(file, SETTINGS))
                    .isInstanceOfSatisfying(BenchmarkFailure.class, f -> {
                        assertThat(f.reason()).isEqualTo(FailureReason.CORRUPT_MODEL);
                        assertThat(f.getMessage()).contains(location);
                    });
        }
        Files.write(models.resolve("weights.bin"), new byte[48]);
        try (LoadedModel m = LoadedModel.load(TinyModels.externalWeights(models, "inside", "weights.bin"), SETTINGS)) {
            assertThat(m.signature().inputs()).hasSize(1);
        }
    }

    @Test
    void unknownOperatorIsAnUnsupportedOperatorFailure() throws Exception {
        Path file = TinyModels.unknownOp(dir, "frob");
        assertThatThrownBy(() -> LoadedModel.load(file, SETTINGS))
                .isInstanceOfSatisfying(BenchmarkFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(FailureReason.UNSUPPORTED_OPERATOR);
                    assertThat(f.getMessage()).contains("Frobnicate");
                });
    }

    @Test
    void fixedBatchDimensionRejectsOtherBatchSizes() throws Exception {
        Path file = TinyModels.matMulAdd(dir, "mm", new float[12], new float[3]);
        try (LoadedModel m = LoadedModel.load(file, SETTINGS)) {
            var sig = m.signature();
            var fixed = new dev.modelforge.onnx.ModelSignature(
                    List.of(new dev.modelforge.onnx.TensorSpec("X", dev.modelforge.onnx.ElementType.FLOAT,
                            List.of(dev.modelforge.onnx.Dim.of(1), dev.modelforge.onnx.Dim.of(4)))),
                    sig.outputs(), sig.opsetImports(), sig.irVersion(), sig.producerName(), sig.producerVersion(),
                    sig.graphName(), sig.initializerCount(), sig.nodeCount(), sig.parameterCount());
            assertThat(InputFactory.inputs(fixed, null, 1, 1).get("X").shape()).containsExactly(1, 4);
            assertThatThrownBy(() -> InputFactory.inputs(fixed, null, 8, 1))
                    .isInstanceOf(InputFactory.UnsupportedBatchException.class).hasMessageContaining("batch 8");
        }
    }

    static void assertSane(LatencyStats s, int batch, int minSamples) {
        assertThat(s.batchSize()).isEqualTo(batch);
        assertThat(s.samples()).isGreaterThanOrEqualTo(minSamples);
        assertThat(s.minMillis()).isPositive();
        assertThat(s.p50Millis()).isGreaterThanOrEqualTo(s.minMillis()).isLessThanOrEqualTo(s.p90Millis());
        assertThat(s.p90Millis()).isLessThanOrEqualTo(s.p95Millis());
        assertThat(s.p95Millis()).isLessThanOrEqualTo(s.p99Millis());
        assertThat(s.p99Millis()).isLessThanOrEqualTo(s.maxMillis());
        assertThat(s.meanMillis()).isBetween(s.minMillis(), s.maxMillis());
        assertThat(s.stddevMillis()).isGreaterThanOrEqualTo(0);
    }
}
