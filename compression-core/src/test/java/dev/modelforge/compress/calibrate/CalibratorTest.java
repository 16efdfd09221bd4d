package dev.modelforge.compress.calibrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.modelforge.compress.pass.qdq.ProtoGraph;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CalibratorTest {

    private static final int FEATURES = 4;
    private static final float[] WEIGHTS = ProtoGraph.random(1, FEATURES * 3, 1f);

    /** x[N,4] → MatMul(W[4,3]) → Relu → y. */
    private static OnnxMl.ModelProto model() {
        return new ProtoGraph(13).input("x", -1, FEATURES).initializer("w", WEIGHTS, FEATURES, 3)
                .node("MatMul", "mm", new String[] {"x", "w"}, new String[] {"h"})
                .node("Relu", "relu", new String[] {"h"}, new String[] {"y"})
                .output("y").build();
    }

    /** Samples with a known generator; the test recomputes h on the Java side. */
    private static final class Samples implements CalibrationData {
        final float[] data;
        final int count;

        Samples(int count) {
            this.count = count;
            this.data = ProtoGraph.random(42, count * FEATURES, 3f);
        }

        @Override
        public int sampleCount() {
            return count;
        }

        @Override
        public Map<String, OnnxTensor> batch(OrtEnvironment env, int start, int size) throws OrtException {
            return Map.of("x", OnnxTensor.createTensor(env,
                    FloatBuffer.wrap(data, start * FEATURES, size * FEATURES).slice(), new long[] {size, FEATURES}));
        }

        double[] hiddenMinMax(int samples) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < samples; s++) {
                for (int j = 0; j < 3; j++) {
                    double h = 0;
                    for (int k = 0; k < FEATURES; k++) {
                        h += data[s * FEATURES + k] * WEIGHTS[k * 3 + j];
                    }
                    min = Math.min(min, h);
                    max = Math.max(max, h);
                }
            }
            return new double[] {min, max};
        }
    }

    @Test
    void observesIntermediateTensorsInBatchesAndReportsProgress() {
        Samples samples = new Samples(50);
        List<Integer> progress = new ArrayList<>();
        CalibrationSettings settings = new CalibrationSettings(CalibrationMethod.MIN_MAX, 99.99, 16, 0, 1);
        CalibrationResult result = Calibrator.run(model(), List.of("x", "h", "y"), samples, settings,
                (done, total) -> {
                    assertThat(total).isEqualTo(50);
                    progress.add(done);
                });
        assertThat(progress).containsExactly(16, 32, 48, 50);
        assertThat(result.batches()).isEqualTo(4);
        assertThat(result.samples()).isEqualTo(50);
        double[] h = samples.hiddenMinMax(50);
        TensorRange hidden = result.range("h", ActivationType.UINT8);
        assertThat(hidden.low()).isCloseTo(h[0], within(1e-4));
        assertThat(hidden.high()).isCloseTo(h[1], within(1e-4));
        assertThat(hidden.valueCount()).isEqualTo(150);
        TensorRange relu = result.range("y", ActivationType.UINT8);
        assertThat(relu.low()).isEqualTo(0.0);
        assertThat(relu.high()).isCloseTo(h[1], within(1e-4));
        assertThat(result.observer("x").count()).isEqualTo(200);
    }

    @Test
    void honoursTheSampleCap() {
        Samples samples = new Samples(50);
        CalibrationSettings settings = new CalibrationSettings(CalibrationMethod.ENTROPY, 99.99, 8, 20, 1);
        CalibrationResult result = Calibrator.run(model(), List.of("h"), samples, settings, CalibrationProgress.NONE);
        assertThat(result.samples()).isEqualTo(20);
        double[] h = samples.hiddenMinMax(20);
        assertThat(result.observer("h").max()).isCloseTo(h[1], within(1e-4));
    }

    @Test
    void observerStateDoesNotGrowWithTheNumberOfBatches() {
        CalibrationSettings few = new CalibrationSettings(CalibrationMethod.ENTROPY, 99.99, 4, 4, 1);
        CalibrationSettings many = new CalibrationSettings(CalibrationMethod.ENTROPY, 99.99, 4, 200, 1);
        CalibrationResult small = Calibrator.run(model(), List.of("x", "h", "y"), new Samples(200), few,
                CalibrationProgress.NONE);
        CalibrationResult large = Calibrator.run(model(), List.of("x", "h", "y"), new Samples(200), many,
                CalibrationProgress.NONE);
        assertThat(large.batches()).isEqualTo(50 * small.batches());
        long smallBytes = small.tensors().stream().mapToLong(t -> small.observer(t).stateBytes()).sum();
        long largeBytes = large.tensors().stream().mapToLong(t -> large.observer(t).stateBytes()).sum();
        assertThat(largeBytes).isEqualTo(smallBytes);
        assertThat(large.observer("h").count()).isEqualTo(50 * small.observer("h").count());
    }

    @Test
    void unknownTensorIsAClearError() {
        assertThatThrownBy(() -> Calibrator.run(model(), List.of("nope"), new Samples(4),
                CalibrationSettings.DEFAULT, CalibrationProgress.NONE))
                .isInstanceOf(CalibrationException.class).hasMessageContaining("nope");
    }

    @Test
    void emptyCalibrationSetIsRefused() {
        assertThatThrownBy(() -> Calibrator.run(model(), List.of("h"), new Samples(0),
                CalibrationSettings.DEFAULT, CalibrationProgress.NONE))
                .isInstanceOf(CalibrationException.class).hasMessageContaining("no samples");
    }
}
