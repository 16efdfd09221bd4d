package dev.modelforge.compress.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TensorObserverTest {

    private static float[] uniform(Random random, int n, float lo, float hi) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = lo + (hi - lo) * random.nextFloat();
        }
        return out;
    }

    private static float[] gaussian(Random random, int n, double sigma) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextGaussian() * sigma);
        }
        return out;
    }

    @Test
    void minMaxTracksExtremesAcrossBatches() {
        TensorObserver observer = TensorObserver.forMethod(CalibrationMethod.MIN_MAX);
        observer.observe(new float[] {0.5f, -1.25f, 2f});
        observer.observe(new float[] {3.5f, Float.NaN, -0.5f, Float.POSITIVE_INFINITY});
        TensorRange range = observer.range(CalibrationMethod.MIN_MAX, 100, ActivationType.UINT8);
        assertThat(range.low()).isEqualTo(-1.25);
        assertThat(range.high()).isEqualTo(3.5);
        assertThat(range.valueCount()).isEqualTo(5);
        assertThat(observer.nonFiniteCount()).isEqualTo(2);
        assertThat(range.clips()).isFalse();
    }

    @Test
    void percentileOfUniformDataMatchesTheQuantile() {
        Random random = new Random(7);
        TensorObserver observer = TensorObserver.forMethod(CalibrationMethod.PERCENTILE);
        for (int b = 0; b < 20; b++) {
            observer.observe(uniform(random, 50_000, 0f, 4f));
        }
        TensorRange range = observer.range(CalibrationMethod.PERCENTILE, 99.0, ActivationType.UINT8);
        // 99% of U(0,4) lies below 3.96; bin resolution is 4/2048 (plus one doubling at most)
        assertThat(range.high()).isCloseTo(3.96, within(0.01));
        assertThat(range.low()).isGreaterThanOrEqualTo(0.0).isLessThan(0.001);
        assertThat(range.clips()).isTrue();
    }

    @Test
    void percentileOfGaussianIsAboutTwoPointFiveSevenSigma() {
        Random random = new Random(11);
        TensorObserver observer = TensorObserver.forMethod(CalibrationMethod.PERCENTILE);
        for (int b = 0; b < 40; b++) {
            observer.observe(gaussian(random, 25_000, 2.0));
        }
        // P(|x| <= 2.5758 sigma) = 0.99 for a standard normal
        TensorRange range = observer.range(CalibrationMethod.PERCENTILE, 99.0, ActivationType.INT8);
        assertThat(range.high()).isCloseTo(2.5758 * 2.0, within(0.05));
        assertThat(range.low()).isCloseTo(-2.5758 * 2.0, within(0.05));
    }

    @Test
    void entropyClipsHeavyTailedDataWellBelowTheMaximum() {
        Random random = new Random(3);
        TensorObserver observer = TensorObserver.forMethod(CalibrationMethod.ENTROPY);
        for (int b = 0; b < 10; b++) {
            float[] batch = gaussian(random, 20_000, 1.0);
            batch[0] = 60f; // rare outliers a min-max range would have to cover
            batch[1] = -45f;
            observer.observe(batch);
        }
        TensorRange entropy = observer.range(CalibrationMethod.ENTROPY, 0, ActivationType.INT8);
        assertThat(observer.max()).isEqualTo(60.0);
        assertThat(entropy.high()).isLessThan(15.0).isGreaterThan(2.0);
        assertThat(entropy.low()).isEqualTo(-entropy.high());
        assertThat(entropy.clips()).isTrue();
    }

    @Test
    void entropyKeepsTheFullRangeOfUniformData() {
        Random random = new Random(5);
        TensorObserver observer = TensorObserver.forMethod(CalibrationMethod.ENTROPY);
        observer.observe(uniform(random, 200_000, 0f, 6f));
        TensorRange range = observer.range(CalibrationMethod.ENTROPY, 0, ActivationType.UINT8);
        // clipping uniform data only adds error: the threshold stays at the top
        assertThat(range.high()).isCloseTo(6.0, within(0.1));
        assertThat(range.low()).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void entropyIsNotDraggedDownByReluZeros() {
        Random random = new Random(9);
        TensorObserver observer = TensorObserver.forMethod(CalibrationMethod.ENTROPY);
        float[] batch = uniform(random, 200_000, 0f, 4f);
        for (int i = 0; i < batch.length * 7 / 10; i++) {
            batch[i] = 0f; // a post-ReLU tensor: most values exactly zero
        }
        observer.observe(batch);
        TensorRange range = observer.range(CalibrationMethod.ENTROPY, 0, ActivationType.UINT8);
        assertThat(range.high()).isGreaterThan(3.5);
    }

    @Test
    void histogramGrowsByMergingWithoutLosingCounts() {
        AbsHistogram histogram = new AbsHistogram(8);
        histogram.add(java.nio.FloatBuffer.wrap(new float[] {0.1f, 0.9f, 0.55f}), 0.9);
        double firstWidth = histogram.binWidth();
        histogram.add(java.nio.FloatBuffer.wrap(new float[] {-3.0f}), 3.0);
        assertThat(histogram.binWidth()).isEqualTo(firstWidth * 4);
        assertThat(histogram.total()).isEqualTo(4);
        long sum = 0;
        for (int i = 0; i < histogram.binCount(); i++) {
            sum += histogram.count(i);
        }
        assertThat(sum).isEqualTo(4);
        assertThat(histogram.count(6)).isEqualTo(1); // 3.0 / (0.1125 * 4) = 6.7 -> bin 6
    }

    @Test
    void stateSizeDoesNotGrowWithTheNumberOfBatches() {
        Random random = new Random(1);
        TensorObserver few = TensorObserver.forMethod(CalibrationMethod.ENTROPY);
        TensorObserver many = TensorObserver.forMethod(CalibrationMethod.ENTROPY);
        few.observe(gaussian(random, 1000, 1.0));
        long before = many.stateBytes();
        for (int b = 0; b < 500; b++) {
            many.observe(gaussian(random, 1000, 1.0 + b)); // growing range forces re-binning
        }
        assertThat(many.count()).isEqualTo(500_000);
        assertThat(many.stateBytes()).isEqualTo(before).isEqualTo(few.stateBytes());
        assertThat(many.stateBytes()).isLessThanOrEqualTo(17 * 1024);
    }

    @Test
    void uint8ParamsCoverTheRangeIncludingZero() {
        QuantParams params = QuantParams.of(
                new TensorRange(-1.0, 3.0, -1.0, 3.0, CalibrationMethod.MIN_MAX, 2), ActivationType.UINT8);
        assertThat(params.scale()).isCloseTo(4f / 255f, within(1e-7f));
        assertThat(params.zeroPoint()).isEqualTo(64);
        assertThat(params.representableLow()).isCloseTo(-1.0, within(0.01));
        assertThat(params.representableHigh()).isCloseTo(3.0, within(0.02));

        QuantParams relu = QuantParams.of(
                new TensorRange(0.5, 2.0, 0.5, 2.0, CalibrationMethod.MIN_MAX, 2), ActivationType.UINT8);
        assertThat(relu.zeroPoint()).isZero();
        assertThat(relu.scale()).isCloseTo(2f / 255f, within(1e-7f));
    }

    @Test
    void int8ParamsAreSymmetric() {
        QuantParams params = QuantParams.of(
                new TensorRange(-0.5, 2.54, -0.5, 2.54, CalibrationMethod.MIN_MAX, 2), ActivationType.INT8);
        assertThat(params.zeroPoint()).isZero();
        assertThat(params.scale()).isCloseTo(0.02f, within(1e-6f));
    }

    @Test
    void degenerateRangeGetsAUsableScale() {
        QuantParams params = QuantParams.of(
                new TensorRange(0, 0, 0, 0, CalibrationMethod.MIN_MAX, 1), ActivationType.UINT8);
        assertThat(params.scale()).isEqualTo(1f);
        assertThat(params.zeroPoint()).isZero();
    }

    @Test
    void emptyObserverAndUnknownMethodAreRefused() {
        assertThatThrownBy(() -> TensorObserver.forMethod(CalibrationMethod.MIN_MAX)
                .range(CalibrationMethod.MIN_MAX, 100, ActivationType.UINT8))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> CalibrationMethod.parse("median"))
                .hasMessageContaining("minmax, percentile, entropy");
        assertThat(CalibrationMethod.parse("Min-Max")).isEqualTo(CalibrationMethod.MIN_MAX);
    }
}
