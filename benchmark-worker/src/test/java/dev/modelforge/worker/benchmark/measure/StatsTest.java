package dev.modelforge.worker.benchmark.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelforge.api.benchmark.LatencyStats;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void latencyStatsMatchHandComputedValues() {
        // 5, 1, 4, 2, 3 ms in arbitrary order: sorted 1..5
        LatencyStats s = Stats.latency(1, new long[] {5_000_000, 1_000_000, 4_000_000, 2_000_000, 3_000_000});
        assertThat(s.samples()).isEqualTo(5);
        assertThat(s.p50Millis()).isEqualTo(3.0);
        assertThat(s.p90Millis()).isCloseTo(4.6, within(1e-12)); // 0.9*4 = 3.6 → 4 + 0.6*(5-4)
        assertThat(s.p95Millis()).isCloseTo(4.8, within(1e-12));
        assertThat(s.p99Millis()).isCloseTo(4.96, within(1e-12));
        assertThat(s.meanMillis()).isEqualTo(3.0);
        assertThat(s.stddevMillis()).isCloseTo(Math.sqrt(2.5), within(1e-12));
        assertThat(s.minMillis()).isEqualTo(1.0);
        assertThat(s.maxMillis()).isEqualTo(5.0);
    }

    @Test
    void bootstrapIntervalIsDeterministicAndBracketsTheMedian() {
        double[] ratios = {0.9, 1.1, 1.0, 0.95, 1.05, 1.02, 0.98, 1.01, 0.99, 1.03};
        double[] a = Stats.bootstrapMedianInterval(ratios, 0.95, 2000, 7);
        double[] b = Stats.bootstrapMedianInterval(ratios, 0.95, 2000, 7);
        assertThat(a).containsExactly(b);
        double median = Stats.median(ratios);
        assertThat(median).isCloseTo(1.005, within(1e-12));
        assertThat(a[0]).isLessThanOrEqualTo(median).isGreaterThanOrEqualTo(0.9);
        assertThat(a[1]).isGreaterThanOrEqualTo(median).isLessThanOrEqualTo(1.1);
        assertThat(a[0]).isLessThan(a[1]);
    }

    @Test
    void constantRatiosGiveADegenerateInterval() {
        double[] a = Stats.bootstrapMedianInterval(new double[] {2, 2, 2, 2}, 0.95, 500, 1);
        assertThat(a).containsExactly(2.0, 2.0);
    }
}
