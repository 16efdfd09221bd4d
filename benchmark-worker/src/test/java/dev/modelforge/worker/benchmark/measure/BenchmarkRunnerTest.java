package dev.modelforge.worker.benchmark.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.benchmark.AccuracyKind;
import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.benchmark.FailureReason;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import dev.modelforge.worker.benchmark.hardware.HardwareProbe;
import dev.modelforge.worker.benchmark.hardware.TargetHardware;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The full measurement in child JVMs, as the worker runs it. */
class BenchmarkRunnerTest {

    private static final float[] IDENTITY = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
    private final BenchmarkRunner runner = new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(),
            Duration.ofMinutes(2), "test");

    @TempDir
    Path dir;

    @Test
    void measuresVariantAgainstBaselineInChildProcesses() throws Exception {
        Path base = TinyModels.matMulAdd(dir, "base", IDENTITY, new float[] {0, 0, 0});
        Path var = TinyModels.matMulAdd(dir, "var", IDENTITY, new float[] {0, 0, 4});
        Path eval = dir.resolve("eval.npz");
        Npz.write(eval, Map.of("X", NdArray.ofFloats(new float[] {3, 1, 2, 9, 0, 5, 1, 0, 1, 2, 7, 0, 4, 0, 1, 0}, 4, 4),
                "labels", NdArray.ofLongs(new long[] {0, 1, 1, 0}, 4)));
        RuntimeSettings settings = RuntimeSettings.cpuDefaults().withBatchSizes(List.of(1, 2));
        String arch = HardwareProbe.normalizeArch(System.getProperty("os.arch"));
        TargetHardware here = new TargetHardware(arch, HardwareProbe.fingerprint(1, "t").isaFlags());

        BenchmarkResult r = runner.run(new BenchmarkRequest(var, base, "v-11", eval, settings, MeasurementPlan.quick(), here));

        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        assertThat(r.failureReason()).isNull();
        assertThat(r.emulated()).isFalse(); // profile describes this very machine
        InProcessEngineTest.assertSane(r.latency(), 1, MeasurementPlan.quick().minIterations());
        assertThat(r.throughput()).hasSize(2).allSatisfy(t -> assertThat(t.samplesPerSecond()).isPositive());
        assertThat(r.loadMillis()).isPositive();
        assertThat(r.sizeBytes()).isEqualTo(java.nio.file.Files.size(var));
        // a JVM with ONNX Runtime loaded is tens of MB; anything outside 10 MB..4 GB is a broken probe
        assertThat(r.baseRssMb()).isBetween(10.0, 4096.0);
        assertThat(r.peakRssMb()).isGreaterThanOrEqualTo(r.baseRssMb()).isLessThan(4096.0);
        assertThat(r.accuracy().kind()).isEqualTo(AccuracyKind.LABELS);
        assertThat(r.accuracy().top1Accuracy()).isEqualTo(0.25);
        assertThat(r.accuracy().top1Agreement()).isEqualTo(0.5);
        assertThat(r.comparison().baselineVariantId()).isEqualTo("v-11");
        MeasurementPlan quick = MeasurementPlan.quick();
        assertThat(r.comparison().processes()).isEqualTo(quick.pairedProcesses());
        assertThat(r.comparison().rounds()).isEqualTo(quick.pairedProcesses() * quick.pairedRounds());
        assertThat(r.comparison().variantLatency().samples())
                .isEqualTo(quick.pairedProcesses() * quick.pairedRounds() * quick.iterationsPerRound());
        assertThat(r.comparison().ciLow()).isLessThanOrEqualTo(r.comparison().ratio());
        assertThat(r.comparison().ciHigh()).isGreaterThanOrEqualTo(r.comparison().ratio());
        assertThat(r.comparison().processRatios()).hasSize(quick.pairedProcesses()).allSatisfy(p -> assertThat(p).isPositive());
        assertThat(r.comparison().predictionLow()).isLessThan(r.comparison().ciLow());
        assertThat(r.comparison().predictionHigh()).isGreaterThan(r.comparison().ciHigh());
        assertThat(r.fingerprint().cpuModel()).isNotBlank();
        assertThat(r.fingerprint().ortVersion()).isEqualTo("1.23.2");
        assertThat(r.fingerprint().os()).contains("Linux");
        assertThat(r.fingerprint().jvm()).isNotBlank();
        assertThat(r.fingerprint().workerVersion()).isEqualTo("test");
        assertThat(r.notes()).contains("inputs: evaluation set");
    }

    @Test
    void fewerCoresThanTheMachinePinsTheChild() throws Exception {
        int machine = CpuAffinity.allowedCpus().size();
        org.junit.jupiter.api.Assumptions.assumeTrue(machine > 1, "needs a machine with 2+ cores");
        Path m = TinyModels.conv(dir, "conv");
        BenchmarkResult r = runner.run(new BenchmarkRequest(m, null, null, null,
                RuntimeSettings.cpuDefaults().withCores(1), MeasurementPlan.quick(), null));
        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        assertThat(r.fingerprint().coresUsed()).isEqualTo(1);
        assertThat(r.fingerprint().logicalCores()).isEqualTo(1); // what the pinned JVM sees
        assertThat(r.emulated()).isTrue(); // no target hardware given: never claim a device measurement
        assertThat(r.comparison()).isNull();
        assertThat(r.accuracy()).isNull();
    }

    @Test
    void modelOverTheMemoryLimitFailsWithTheReason() throws Exception {
        Path big = bigMatMul(dir);
        BenchmarkResult r = runner.run(new BenchmarkRequest(big, null, null, null,
                RuntimeSettings.cpuDefaults().withMemoryLimitMb(1), MeasurementPlan.quick(), null));
        assertThat(r.status()).isEqualTo(BenchmarkStatus.FAILED);
        assertThat(r.failureReason()).isEqualTo(FailureReason.MEMORY_LIMIT_EXCEEDED);
        assertThat(r.failureDetail()).contains("limit is 1 MB");
        assertThat(r.peakRssMb() - r.baseRssMb()).isGreaterThan(1.0);
    }

    @Test
    void sameModelUnderAGenerousLimitPasses() throws Exception {
        Path big = bigMatMul(dir);
        BenchmarkResult r = runner.probeMemory(new BenchmarkRequest(big, null, null, null,
                RuntimeSettings.cpuDefaults().withMemoryLimitMb(2048), MeasurementPlan.quick(), null));
        assertThat(r.status()).as(r.failureDetail()).isEqualTo(BenchmarkStatus.OK);
        // 4 MB of weights must show up in the model's footprint
        assertThat(r.peakRssMb() - r.baseRssMb()).isGreaterThan(4.0);
    }

    @Test
    void brokenModelsBecomeFailedResults() throws Exception {
        BenchmarkResult cut = runner.run(new BenchmarkRequest(TinyModels.truncated(dir, "cut"), null, null, null,
                RuntimeSettings.cpuDefaults(), MeasurementPlan.quick(), null));
        assertThat(cut.status()).isEqualTo(BenchmarkStatus.FAILED);
        assertThat(cut.failureReason()).isEqualTo(FailureReason.CORRUPT_MODEL);
        assertThat(cut.failureDetail()).isNotBlank();

        BenchmarkResult op = runner.run(new BenchmarkRequest(TinyModels.unknownOp(dir, "frob"), null, null, null,
                RuntimeSettings.cpuDefaults(), MeasurementPlan.quick(), null));
        assertThat(op.failureReason()).isEqualTo(FailureReason.UNSUPPORTED_OPERATOR);
        assertThat(op.failureDetail()).contains("Frobnicate");
    }

    @Test
    void runThatNeverEndsIsKilledAsTimeout() throws Exception {
        Path m = TinyModels.conv(dir, "conv");
        MeasurementPlan endless = new MeasurementPlan(0, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 1, 2, 1, 1, 100, 1);
        // The plan never ends, so the outcome does not hang on the bound: 5 s is past a child JVM start on an idle box.
        BenchmarkRunner impatient = new BenchmarkRunner(BenchmarkRunner.ChildJvm.current(), Duration.ofSeconds(5), "t");
        BenchmarkResult r = impatient.run(new BenchmarkRequest(m, null, null, null, RuntimeSettings.cpuDefaults(),
                endless, null));
        assertThat(r.status()).isEqualTo(BenchmarkStatus.FAILED);
        assertThat(r.failureReason()).isEqualTo(FailureReason.TIMEOUT);
    }

    private static Path bigMatMul(Path dir) throws Exception {
        // X[batch,1024]·W[1024,1024]: 4 MB of weights that ORT must hold in memory
        Path p = dir.resolve("big.onnx");
        var g = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("big");
        var w = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("W").addDims(1024).addDims(1024)
                .setDataType(1);
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(1024 * 1024 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Random rnd = new Random(3);
        while (raw.hasRemaining()) {
            raw.putFloat(rnd.nextFloat());
        }
        w.setRawData(com.google.protobuf.ByteString.copyFrom(raw.flip()));
        var type = ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(
                ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1).setShape(
                        ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder()
                                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("b"))
                                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1024))));
        g.addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("X").setType(type))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("Y").setType(type))
                .addInitializer(w)
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("MatMul").addInput("X").addInput("W")
                        .addOutput("Y"));
        var model = ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g);
        java.nio.file.Files.write(p, model.build().toByteArray());
        return p;
    }
}
