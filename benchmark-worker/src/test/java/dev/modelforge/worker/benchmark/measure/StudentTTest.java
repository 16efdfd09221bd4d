package dev.modelforge.worker.benchmark.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StudentTTest {

    @Test
    void quantilesMatchPublishedTables() {
        // two-sided 95 % and 99 % critical values of t (any statistics table) and of the normal
        assertThat(StudentT.twoSidedQuantile(0.95, 1)).isCloseTo(12.7062, within(1e-4));
        assertThat(StudentT.twoSidedQuantile(0.95, 2)).isCloseTo(4.3027, within(1e-4));
        assertThat(StudentT.twoSidedQuantile(0.95, 3)).isCloseTo(3.1824, within(1e-4));
        assertThat(StudentT.twoSidedQuantile(0.95, 5)).isCloseTo(2.5706, within(1e-4));
        assertThat(StudentT.twoSidedQuantile(0.95, 10)).isCloseTo(2.2281, within(1e-4));
        assertThat(StudentT.twoSidedQuantile(0.95, 30)).isCloseTo(2.0423, within(1e-4));
        assertThat(StudentT.twoSidedQuantile(0.99, 4)).isCloseTo(4.6041, within(1e-4));
        assertThat(StudentT.twoSidedQuantile(0.90, 7)).isCloseTo(1.8946, within(1e-4));
        assertThat(StudentT.normalTwoSidedQuantile(0.95)).isCloseTo(1.95996, within(1e-5));
        assertThat(StudentT.normalTwoSidedQuantile(0.99)).isCloseTo(2.57583, within(1e-5));
        // many degrees of freedom approach the normal
        assertThat(StudentT.twoSidedQuantile(0.95, 2000)).isCloseTo(1.9612, within(1e-3));
    }

    @Test
    void distributionFunctionHasTheClosedFormsOfSmallDf() {
        // df 1 is Cauchy: P(|T| ≤ 1) = 1/2; df 2: P(|T| ≤ q) = q / sqrt(2 + q²)
        assertThat(StudentT.centralProbability(1, 1)).isCloseTo(0.5, within(1e-12));
        assertThat(StudentT.centralProbability(3, 2)).isCloseTo(3 / Math.sqrt(11), within(1e-12));
        assertThat(StudentT.centralProbability(0, 9)).isZero();
        assertThat(StudentT.normalCentralProbability(1)).isCloseTo(0.682689, within(1e-6));
    }

    @Test
    void impossibleArgumentsAreRejected() {
        assertThatThrownBy(() -> StudentT.twoSidedQuantile(0.95, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("degree of freedom");
        assertThatThrownBy(() -> StudentT.twoSidedQuantile(1.0, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> StudentT.normalTwoSidedQuantile(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
