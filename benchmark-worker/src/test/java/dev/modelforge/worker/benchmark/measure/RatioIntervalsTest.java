package dev.modelforge.worker.benchmark.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelforge.api.benchmark.LatencyComparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ratio's intervals on simulated jobs with known structure: ln(round ratio) = μ + job effect + process
 * effect + round noise (normal, or with a disturbed process now and then). A job is k processes of n rounds, pooled by {@link PairedBenchmark#combine} exactly as
 * the worker pools its child processes. Coverage is counted over thousands of simulated jobs (fixed seeds).
 */
class RatioIntervalsTest {

    private static final double TRUE_RATIO = 0.78;
    private static final MeasurementPlan PLAN = MeasurementPlan.quick();

    @Test
    void aRepeatedJobLandsInsideThePredictionIntervalAtTheNominalRate() {
        for (int k : new int[] {3, 6}) {
            Random rnd = new Random(11 + k);
            int sims = 2000;
            int repeatInPi = 0;
            int repeatInCi = 0;
            int truthInCi = 0;
            for (int s = 0; s < sims; s++) {
                // job effect as large as the plan assumes (the machine's state while the job runs)
                LatencyComparison first = job(rnd, k, 15, rnd.nextGaussian() * PLAN.jobLogSpread(), 0.02, 0.03);
                LatencyComparison repeat = job(rnd, k, 15, rnd.nextGaussian() * PLAN.jobLogSpread(), 0.02, 0.03);
                repeatInPi += inside(repeat.ratio(), first.predictionLow(), first.predictionHigh());
                repeatInCi += inside(repeat.ratio(), first.ciLow(), first.ciHigh());
                truthInCi += inside(TRUE_RATIO, first.ciLow(), first.ciHigh());
            }
            double pi = repeatInPi / (double) sims;
            // nominal 95 % (≈ 95 % in a 4000-job simulation of this model at both k)
            assertThat(pi).as("k=%d: repeats inside the stored prediction interval", k).isBetween(0.92, 0.98);
            assertThat(truthInCi / (double) sims).as("k=%d: true ratio inside the CI", k).isBetween(0.92, 0.98);
            // the CI is about the true ratio; a repeat has its own error, so the CI holds it less often
            assertThat(repeatInCi).as("k=%d", k).isLessThan(repeatInPi);
        }
    }

    @Test
    void withoutFloorCoverageIsNominalForNormalProcessEffects() {
        Random rnd = new Random(5);
        int sims = 4000;
        int repeatInPi = 0;
        int truthInCi = 0;
        for (int s = 0; s < sims; s++) {
            Stats.RatioIntervals a = Stats.ratioIntervals(processes(rnd, 3, 0.02), 0.95, 0);
            Stats.RatioIntervals b = Stats.ratioIntervals(processes(rnd, 3, 0.02), 0.95, 0);
            repeatInPi += inside(b.ratio(), a.predictionLow(), a.predictionHigh());
            truthInCi += inside(TRUE_RATIO, a.ciLow(), a.ciHigh());
        }
        // t with 2 df on the median: ≈ 96 % for both (binomial sd at 4000 draws: 0.35 points)
        assertThat(repeatInPi / (double) sims).isBetween(0.94, 0.98);
        assertThat(truthInCi / (double) sims).isBetween(0.94, 0.98);
    }

    @Test
    void aProcessThatRunsTheVariantSlowerThroughoutNeitherMovesTheRatioNorBreaksCoverage() {
        // as on the team machine: one process in eight runs the variant ~22 % slower from start to end
        Random rnd = new Random(31);
        int sims = 2000;
        int repeatInPi = 0;
        double ssMedian = 0;
        double ssMean = 0;
        for (int s = 0; s < sims; s++) {
            double[] a = contaminated(rnd, 6);
            Stats.RatioIntervals ia = Stats.ratioIntervals(a, 0.95, MeasurementPlan.DEFAULT_JOB_LOG_SPREAD);
            double repeat = Stats.ratioIntervals(contaminated(rnd, 6), 0.95, MeasurementPlan.DEFAULT_JOB_LOG_SPREAD)
                    .ratio();
            repeatInPi += inside(repeat, ia.predictionLow(), ia.predictionHigh());
            double geometricMean = Math.exp(java.util.Arrays.stream(a).map(Math::log).average().orElseThrow());
            ssMedian += Math.pow(Math.log(ia.ratio() / TRUE_RATIO), 2);
            ssMean += Math.pow(Math.log(geometricMean / TRUE_RATIO), 2);
        }
        assertThat(repeatInPi / (double) sims).isGreaterThanOrEqualTo(0.9);
        assertThat(ssMedian).as("the median stays nearer the typical process than a mean").isLessThan(ssMean / 2);
    }

    @Test
    void driftSharedByAJobsProcessesIsCoveredByTheJobComponentAlone() {
        // the machine's load during a job moves all its processes alike: invisible between them
        Random rnd = new Random(23);
        int sims = 2000;
        int floored = 0;
        int unfloored = 0;
        for (int s = 0; s < sims; s++) {
            double[] a = processes(rnd, 6, 0.004);
            double[] b = processes(rnd, 6, 0.004);
            shift(a, rnd.nextGaussian() * 0.015);
            shift(b, rnd.nextGaussian() * 0.015);
            Stats.RatioIntervals fa = Stats.ratioIntervals(a, 0.95, 0.015);
            Stats.RatioIntervals ua = Stats.ratioIntervals(a, 0.95, 0);
            double repeat = Stats.ratioIntervals(b, 0.95, 0).ratio();
            floored += inside(repeat, fa.predictionLow(), fa.predictionHigh());
            unfloored += inside(repeat, ua.predictionLow(), ua.predictionHigh());
        }
        assertThat(unfloored / (double) sims).as("process spread alone under-covers").isLessThan(0.8);
        assertThat(floored / (double) sims).as("with the job component").isBetween(0.92, 0.98);
    }

    @Test
    void fewProcessesGiveWiderIntervalsAndThePredictionIntervalIsRootTwoWider() {
        // the same sample spread (ln ratios ±0.02 around ln 0.8) from 3 and from 6 processes
        double[] three = {0.8 * Math.exp(-0.02), 0.8, 0.8 * Math.exp(0.02)};
        double[] six = {three[0], three[0], 0.8, 0.8, three[2], three[2]};
        Stats.RatioIntervals k3 = Stats.ratioIntervals(three, 0.95, 0);
        Stats.RatioIntervals k6 = Stats.ratioIntervals(six, 0.95, 0);
        assertThat(k3.ratio()).isCloseTo(0.8, within(1e-12));
        assertThat(k3.logSpread()).isCloseTo(0.02, within(1e-12));
        // half-widths t·√(π/2)·s/√k: 4.3027·1.2533·0.02/√3 = 0.06227; six processes, s = 0.01789:
        // 2.5706·1.2533·0.01789/√6 = 0.02353
        assertThat(Math.log(k3.ciHigh() / 0.8)).isCloseTo(0.06227, within(1e-4));
        assertThat(Math.log(k6.ciHigh() / 0.8)).isCloseTo(0.02353, within(1e-4));
        assertThat(Math.log(k3.predictionHigh() / 0.8)).isCloseTo(Math.sqrt(2) * 0.06227, within(1e-4));
        assertThat(Math.log(0.8 / k3.predictionLow())).isCloseTo(Math.log(k3.predictionHigh() / 0.8), within(1e-12));
    }

    @Test
    void processesThatAgreeExactlyStillGetTheJobComponent() {
        Stats.RatioIntervals iv = Stats.ratioIntervals(new double[] {0.8, 0.8, 0.8}, 0.95, 0.01);
        assertThat(iv.logSpread()).isZero();
        // nothing estimated, a known 1 %: the normal quantile, not t with 2 df
        assertThat(iv.ciHigh()).isCloseTo(0.8 * Math.exp(1.959964 * 0.01), within(1e-6));
        assertThat(iv.ciLow()).isCloseTo(0.8 * Math.exp(-1.959964 * 0.01), within(1e-6));
        assertThat(iv.predictionHigh()).isCloseTo(0.8 * Math.exp(1.959964 * 0.01 * Math.sqrt(2)), within(1e-6));
    }

    @Test
    void aKnownJobComponentGetsWelchSatterthwaiteDegreesOfFreedom() {
        double[] three = {0.8 * Math.exp(-0.02), 0.8, 0.8 * Math.exp(0.02)};
        Stats.RatioIntervals iv = Stats.ratioIntervals(three, 0.95, 0.015);
        double processVar = Math.PI / 2 * 0.02 * 0.02 / 3;
        double jobVar = 0.015 * 0.015;
        // ν = (a + b)² / (a² / 2) = 8.61 → 8 df: t = 2.3060 (instead of 4.3027 with 2 df)
        double se = Math.sqrt(processVar + jobVar);
        assertThat(Math.log(iv.ciHigh() / 0.8)).isCloseTo(2.306004 * se, within(1e-6));
    }

    @Test
    void aSingleProcessIsAsWideAsItsOwnRoundsSay() {
        long[] nanos = {1000, 1100};
        PairedRun noisy = new PairedRun(1, new double[] {0.6, 0.7, 0.8, 0.9, 1.0, 0.75, 0.85, 0.65}, nanos, nanos);
        PairedRun steady = new PairedRun(1, new double[] {0.8, 0.8, 0.8, 0.8}, nanos, nanos);
        LatencyComparison n = PairedBenchmark.combine(List.of(noisy), null, PLAN);
        LatencyComparison s = PairedBenchmark.combine(List.of(steady), null, PLAN);
        assertThat(n.processes()).isEqualTo(1);
        assertThat(n.processRatios()).hasSize(1);
        assertThat(n.processRatios().get(0)).isCloseTo(0.775, within(1e-12));
        double[] boot = Stats.bootstrapMedianInterval(noisy.roundRatios(), 0.95, PLAN.bootstrapResamples(), PLAN.seed());
        assertThat(n.ciLow()).isLessThanOrEqualTo(boot[0] + 1e-12);
        assertThat(n.ciHigh()).isGreaterThanOrEqualTo(boot[1] - 1e-12);
        // a steady process: only the plan's job component, with the normal quantile (no spread was estimated)
        double job = PLAN.jobLogSpread();
        assertThat(s.ciHigh()).isCloseTo(0.8 * Math.exp(1.959964 * job), within(1e-6));
        assertThat(s.predictionHigh()).isCloseTo(0.8 * Math.exp(1.959964 * job * Math.sqrt(2)), within(1e-6));
    }

    @Test
    void ratiosThatAreNotPositiveNumbersAreRejected() {
        assertThatThrownBy(() -> Stats.ratioIntervals(new double[0], 0.95, 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no process ratios");
        assertThatThrownBy(() -> Stats.ratioIntervals(new double[] {0.8, 0, 0.9}, 0.95, 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("process 2");
        assertThatThrownBy(() -> Stats.ratioIntervals(new double[] {Double.NaN}, 0.95, 0.01))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PairedBenchmark.combine(List.of(), null, PLAN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** k processes of n rounds; process effect sd {@code between}, round noise sd {@code within} (log scale). */
    private static LatencyComparison job(Random rnd, int k, int n, double jobEffect, double between, double within) {
        List<PairedRun> runs = new ArrayList<>();
        for (int p = 0; p < k; p++) {
            double level = Math.log(TRUE_RATIO) + jobEffect + rnd.nextGaussian() * between;
            double[] rounds = new double[n];
            for (int r = 0; r < n; r++) {
                rounds[r] = Math.exp(level + rnd.nextGaussian() * within);
            }
            runs.add(new PairedRun(1, rounds, new long[] {1000}, new long[] {780}));
        }
        return PairedBenchmark.combine(runs, null, PLAN);
    }

    private static double[] processes(Random rnd, int k, double sd) {
        double[] r = new double[k];
        for (int i = 0; i < k; i++) {
            r[i] = TRUE_RATIO * Math.exp(rnd.nextGaussian() * sd);
        }
        return r;
    }

    private static double[] contaminated(Random rnd, int k) {
        double[] r = processes(rnd, k, 0.012);
        for (int i = 0; i < k; i++) {
            if (rnd.nextDouble() < 0.125) {
                r[i] *= 1.22;
            }
        }
        return r;
    }

    private static void shift(double[] ratios, double log) {
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] *= Math.exp(log);
        }
    }

    private static int inside(double x, double lo, double hi) {
        return x >= lo && x <= hi ? 1 : 0;
    }
}
