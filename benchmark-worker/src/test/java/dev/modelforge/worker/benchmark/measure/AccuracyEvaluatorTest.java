package dev.modelforge.worker.benchmark.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelforge.api.benchmark.AccuracyKind;
import dev.modelforge.api.benchmark.AccuracyMetrics;
import dev.modelforge.onnx.SignatureReader;
import dev.modelforge.onnx.data.EvalDataset;
import dev.modelforge.onnx.data.NdArray;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyEvaluatorTest {

    private static final Path FIXTURES = Path.of("../compression-core/src/test/resources/fixtures");

    // Baseline: Y = first three columns of X. Variant: same plus bias (0, 0, 4).
    private static final float[] IDENTITY = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
    private static final float[] X = {
        3, 1, 2, 9, //  baseline [3,1,2] → 0   variant [3,1,6]  → 2
        0, 5, 1, 0, //  baseline [0,5,1] → 1   variant [0,5,5]  → 1 (first of a tie)
        1, 2, 7, 0, //  baseline [1,2,7] → 2   variant [1,2,11] → 2
        4, 0, 1, 0, //  baseline [4,0,1] → 0   variant [4,0,5]  → 2
    };
    private static final long[] LABELS = {0, 1, 1, 0};

    @TempDir
    Path dir;

    @Test
    void top1AgainstLabelsAndFidelityMatchHandComputedValues() throws Exception {
        Path base = TinyModels.matMulAdd(dir, "base", IDENTITY, new float[] {0, 0, 0});
        Path var = TinyModels.matMulAdd(dir, "var", IDENTITY, new float[] {0, 0, 4});
        RuntimeSettings s = RuntimeSettings.cpuDefaults();
        try (LoadedModel b = LoadedModel.load(base, s); LoadedModel v = LoadedModel.load(var, s)) {
            EvalDataset eval = EvalDataset.of(Map.of("X", NdArray.ofFloats(X, 4, 4), "labels",
                    NdArray.ofLongs(LABELS, 4)), v.signature());
            AccuracyEvaluator evaluator = new AccuracyEvaluator();

            AccuracyMetrics baseline = evaluator.evaluate(b, null, eval);
            assertThat(baseline.kind()).isEqualTo(AccuracyKind.LABELS);
            assertThat(baseline.top1Accuracy()).isEqualTo(0.75); // 3 of 4 labels
            assertThat(baseline.top1Agreement()).isNull();

            AccuracyMetrics m = evaluator.evaluate(v, b, eval);
            assertThat(m.samples()).isEqualTo(4);
            assertThat(m.output()).isEqualTo("Y");
            assertThat(m.top1Accuracy()).isEqualTo(0.25);   // only sample 1
            assertThat(m.top1Agreement()).isEqualTo(0.5);   // samples 1 and 2
            assertThat(m.maxAbsError()).isEqualTo(4.0);
            double cos = (22 / Math.sqrt(46.0 * 14) + 30 / Math.sqrt(50.0 * 26) + 82 / Math.sqrt(126.0 * 54)
                    + 21 / Math.sqrt(41.0 * 17)) / 4;
            assertThat(m.meanCosine()).isCloseTo(cos, within(1e-6));
        }
    }

    @Test
    void withoutLabelsItIsFidelity() throws Exception {
        Path base = TinyModels.matMulAdd(dir, "base", IDENTITY, new float[] {0, 0, 0});
        try (LoadedModel b = LoadedModel.load(base, RuntimeSettings.cpuDefaults())) {
            EvalDataset eval = EvalDataset.of(Map.of("X", NdArray.ofFloats(X, 4, 4)), b.signature());
            AccuracyMetrics m = new AccuracyEvaluator().evaluate(b, b, eval);
            assertThat(m.kind()).isEqualTo(AccuracyKind.FIDELITY);
            assertThat(m.top1Accuracy()).isNull();
            assertThat(m.top1Agreement()).isEqualTo(1.0);
            assertThat(m.meanCosine()).isCloseTo(1.0, within(1e-12));
            assertThat(m.maxAbsError()).isEqualTo(0.0);
        }
    }

    @Test
    void digitsCnnAccuracyMatchesAnIndependentOrtComputation() throws Exception {
        Path model = FIXTURES.resolve("digits_cnn.onnx");
        EvalDataset eval = EvalDataset.load(FIXTURES.resolve("digits_cnn_eval.npz"), SignatureReader.read(model));
        AccuracyMetrics m;
        try (LoadedModel lm = LoadedModel.load(model, RuntimeSettings.cpuDefaults())) {
            m = new AccuracyEvaluator().evaluate(lm, null, eval);
        }
        assertThat(m.samples()).isEqualTo(eval.sampleCount()).isEqualTo(360);
        assertThat(m.top1Accuracy()).isEqualTo(IndependentTop1.of(model, FIXTURES.resolve("digits_cnn_eval.npz")));
        assertThat(m.top1Accuracy()).isGreaterThan(0.9); // the fixture is a trained model, not noise
    }
}
