package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.Objective;
import dev.modelforge.api.promotion.PromotionConstraints;
import dev.modelforge.api.promotion.PromotionMode;
import dev.modelforge.api.promotion.PromotionPolicy;
import dev.modelforge.api.profile.Limits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyEngineTest {

    private static final long MB = 1024 * 1024;
    /** The default policy without the baseline fallback: these tests look at the policy's own choices. */
    private static final PromotionPolicy LATENCY_FIRST = new PromotionPolicy(null, null, null, null, null, null, false);

    private static Candidate baseline(int version, double p50, long size, double acc) {
        return Candidate.measured("base-" + version, version, "baseline", true,
                new Measurement(false, p50, p50 * 1.2, null, null, size, 300.0, acc));
    }

    private static Candidate variant(String id, int version, double p50, Double ciHigh, long size, double acc) {
        return Candidate.measured(id, version, id, false,
                new Measurement(false, p50, p50 * 1.2, ciHigh == null ? null : ciHigh - 0.05, ciHigh, size, 200.0, acc));
    }

    private static PromotionPolicy policy(PromotionConstraints c, List<Objective> objectives, PromotionMode mode,
                                          Boolean preferNewest) {
        return new PromotionPolicy(c, objectives, mode, preferNewest, null, null, false);
    }

    @Test
    void promotesTheFastestEligibleVariantAndRanksTheRest() {
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97),
                variant("int8-static", 1, 4, 0.45, 10 * MB, 96.8),
                variant("int8-dynamic", 1, 7, 0.75, 11 * MB, 97.0));

        Decision d = PolicyEngine.decide(LATENCY_FIRST, cs, Optional.empty());

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.winner().variantId()).isEqualTo("int8-static");
        assertThat(d.reason()).contains("int8-static").contains("latency x0.4");
        assertThat(d.verdicts()).extracting(Verdict::variantId, Verdict::rank)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("int8-static", 1),
                        org.assertj.core.groups.Tuple.tuple("int8-dynamic", 2));
    }

    @Test
    void aVariantNotMeasuredFasterThanTheBaselineIsNeverPromoted() {
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97),
                variant("slow-int8", 1, 9.5, 1.02, 10 * MB, 97));

        Decision d = PolicyEngine.decide(LATENCY_FIRST, cs, Optional.empty());

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(d.winner()).isNull();
        assertThat(d.verdicts().get(0).reasons()).singleElement().asString()
                .contains("not measured faster than the baseline").contains("1.02");
    }

    @Test
    void unpairedLatencyMustBeatTheBaselineByMoreThanTheTolerance() {
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97),
                variant("noise", 1, 9.9, null, 10 * MB, 97),
                variant("real", 1, 8, null, 10 * MB, 97));

        Decision d = PolicyEngine.decide(LATENCY_FIRST, cs, Optional.empty());

        assertThat(d.winner().variantId()).isEqualTo("real");
        assertThat(d.verdicts()).filteredOn(v -> v.variantId().equals("noise")).singleElement()
                .satisfies(v -> assertThat(v.reasons()).anyMatch(r -> r.contains("not better than the baseline on latency")));
    }

    @Test
    void everyConstraintViolationIsReportedWithNumbers() {
        PromotionPolicy p = policy(new PromotionConstraints(0.5, 5.0, 3.0, 150.0), null, null, null);
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97),
                variant("too-much", 1, 4, 0.5, 10 * MB, 95));

        Decision d = PolicyEngine.decide(p, cs, Optional.empty());

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(d.verdicts().get(0).reasons()).hasSize(4)
                .anyMatch(r -> r.startsWith("accuracy drop 2.00 pt > limit 0.500 pt"))
                .anyMatch(r -> r.startsWith("size 10.0 MiB > limit 5.00 MiB"))
                .anyMatch(r -> r.startsWith("p95 latency 4.80 ms > limit 3.00 ms"))
                .anyMatch(r -> r.startsWith("peak memory 200 MiB > limit 150 MiB"));
    }

    @Test
    void emulatedResultsAreRefusedWhenThePolicyRequiresRealHardware() {
        PromotionPolicy strict = new PromotionPolicy(null, null, null, null, false, null, false);
        Candidate emulated = Candidate.measured("int8", 1, "int8", false,
                new Measurement(true, 4, 5, 0.4, 0.45, 10 * MB, 100.0, 97.0));

        Decision d = PolicyEngine.decide(strict, List.of(baseline(1, 10, 40 * MB, 97), emulated), Optional.empty());

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(d.verdicts().get(0).reasons()).contains("measured in emulation and the policy requires real hardware");
        assertThat(PolicyEngine.decide(LATENCY_FIRST, List.of(baseline(1, 10, 40 * MB, 97), emulated), Optional.empty())
                .outcome()).isEqualTo(Decision.Outcome.PROMOTED);
    }

    @Test
    void aWorseChallengerLeavesTheChampionInPlaceAndSaysWhy() {
        Candidate champion = variant("v1-int8", 1, 4, 0.4, 10 * MB, 97);
        List<Candidate> v2 = List.of(baseline(2, 10, 40 * MB, 97.5), variant("v2-int8", 2, 6, 0.6, 10 * MB, 97.4));

        Decision d = PolicyEngine.decide(LATENCY_FIRST, v2, Optional.of(champion));

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.KEPT_CHAMPION);
        assertThat(d.winner().variantId()).isEqualTo("v1-int8");
        assertThat(d.reason()).contains("champion v1 v1-int8").contains("latency (4.00 ms vs 6.00 ms)");
    }

    @Test
    void aBetterChallengerReplacesTheChampion() {
        Candidate champion = variant("v1-int8", 1, 6, 0.6, 10 * MB, 97);
        List<Candidate> v2 = List.of(baseline(2, 10, 40 * MB, 97), variant("v2-int8", 2, 4, 0.4, 10 * MB, 97));

        Decision d = PolicyEngine.decide(LATENCY_FIRST, v2, Optional.of(champion));

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.winner().variantId()).isEqualTo("v2-int8");
        assertThat(d.reason()).contains("beats champion v1 v1-int8 (v1-int8) on latency (4.00 ms vs 6.00 ms)");
    }

    @Test
    void preferNewestLetsANewerEligibleVersionWinEvenIfSlower() {
        Candidate champion = variant("v1-int8", 1, 4, 0.4, 10 * MB, 97);
        List<Candidate> v2 = List.of(baseline(2, 10, 40 * MB, 97), variant("v2-int8", 2, 6, 0.6, 10 * MB, 97));

        Decision d = PolicyEngine.decide(policy(null, null, null, true), v2, Optional.of(champion));

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.winner().variantId()).isEqualTo("v2-int8");
        assertThat(d.reason()).contains("prefers the newest version");
    }

    @Test
    void approvalModeWaitsInsteadOfPromoting() {
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97), variant("int8", 1, 4, 0.4, 10 * MB, 97));

        Decision d = PolicyEngine.decide(policy(null, null, PromotionMode.APPROVAL, null), cs, Optional.empty());

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PENDING_APPROVAL);
        assertThat(d.winner().variantId()).isEqualTo("int8");
    }

    @Test
    void latencyWithinTheToleranceIsATieThatTheNextObjectiveBreaks() {
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97),
                variant("big", 1, 4.00, 0.4, 20 * MB, 97),
                variant("small", 1, 4.05, 0.41, 10 * MB, 97));

        Decision d = PolicyEngine.decide(LATENCY_FIRST, cs, Optional.empty());

        assertThat(d.winner().variantId()).isEqualTo("small");
    }

    @Test
    void sizeObjectiveRejectsVariantsThatAreNotSmaller() {
        PromotionPolicy bySize = policy(null, List.of(Objective.SIZE), null, null);
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97),
                variant("fp16-ish", 1, 3, 0.3, 40 * MB, 97),
                variant("int4", 1, 12, 1.2, 6 * MB, 96.9));

        Decision d = PolicyEngine.decide(bySize, cs, Optional.empty());

        assertThat(d.winner().variantId()).isEqualTo("int4");
        assertThat(d.verdicts()).filteredOn(v -> v.variantId().equals("fp16-ish")).singleElement()
                .satisfies(v -> assertThat(v.reasons()).anyMatch(r -> r.contains("not better than the baseline on size")));
    }

    @Test
    void withoutABaselineMeasurementNothingIsEligibleAndTheChampionKeepsServing() {
        Candidate unmeasuredBaseline = new Candidate("base-2", 2, "baseline", true, null, "out of memory");
        Candidate champion = variant("v1-int8", 1, 4, 0.4, 10 * MB, 97);

        Decision d = PolicyEngine.decide(LATENCY_FIRST,
                List.of(unmeasuredBaseline, variant("v2-int8", 2, 3, 0.3, 10 * MB, 97)), Optional.of(champion));

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(d.winner().variantId()).isEqualTo("v1-int8");
        assertThat(d.reason()).contains("baseline of v2 has no completed benchmark").contains("keeps serving");
    }

    @Test
    void theReasonQuotesThePairedRatioTheGateJudgedNotTheRatioOfSeparateMedians() {
        // On a noisy host separately measured p50s can disagree with the interleaved A/B comparison (here 11.3 vs 10 ms
        // while the paired ratio is 0.77): the decision was taken on the paired ratio, so the reason must say that one.
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97),
                variant("int8-static", 1, 11.3, 0.82, 10 * MB, 97.0));

        Decision d = PolicyEngine.decide(LATENCY_FIRST, cs, Optional.empty());

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.reason()).contains("latency x0.770 paired").doesNotContain("latency x1.13");
    }

    @Test
    void aFailedBenchmarkIsARejectionWithItsReason() {
        Candidate failed = new Candidate("int4", 1, "int4", false, null, "MatMulNBits is not implemented");

        Decision d = PolicyEngine.decide(LATENCY_FIRST, List.of(baseline(1, 10, 40 * MB, 97), failed), Optional.empty());

        assertThat(d.verdicts().get(0).reasons()).containsExactly("benchmark failed: MatMulNBits is not implemented");
    }

    @Test
    void fallbackToBaselineServesTheOriginalWhenNothingBeatsIt() {
        PromotionPolicy p = new PromotionPolicy(null, null, null, null, null, null, true);
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97), variant("slow", 1, 11, 1.1, 10 * MB, 97));

        Decision d = PolicyEngine.decide(p, cs, Optional.empty());

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.winner().baseline()).isTrue();
        assertThat(d.reason()).contains("serving the original");
    }

    @Test
    void aChampionThatNoLongerMeetsTightenedConstraintsIsReplaced() {
        PromotionPolicy tight = policy(new PromotionConstraints(null, 8.0, null, null), null, null, null);
        Candidate champion = variant("v1-int8", 1, 3, 0.3, 10 * MB, 97);
        List<Candidate> v2 = List.of(baseline(2, 10, 40 * MB, 97), variant("v2-int4", 2, 5, 0.5, 6 * MB, 97));

        Decision d = PolicyEngine.decide(tight, v2, Optional.of(champion));

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.reason()).contains("no longer meets the policy").contains("size 10.0 MiB > limit 8.00 MiB");
    }

    @Test
    void policyValidationNamesEveryBadValue() {
        PromotionPolicy bad = new PromotionPolicy(new PromotionConstraints(-1.0, 0.0, null, -5.0),
                List.of(Objective.LATENCY, Objective.LATENCY), null, null, null, 0.7, null);

        assertThat(bad.problems()).hasSize(5)
                .anyMatch(p -> p.startsWith("maxAccuracyDropPoints"))
                .anyMatch(p -> p.startsWith("maxSizeMb"))
                .anyMatch(p -> p.startsWith("maxMemoryMb"))
                .anyMatch(p -> p.startsWith("tieTolerance"))
                .anyMatch(p -> p.startsWith("objectives must not repeat"));
        assertThat(PromotionPolicy.DEFAULT.problems()).isEmpty();
    }

    @Test
    void byDefaultTheOriginalServesWhenNothingCompressedIsEligibleAndNothingServesYet() {
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97), variant("slow-int8", 1, 12, 1.2, 10 * MB, 97));

        Decision d = PolicyEngine.decide(PromotionPolicy.DEFAULT, cs, Optional.empty(),
                new Limits(100.0, 50.0, 512.0));

        assertThat(PromotionPolicy.DEFAULT.fallbackToBaseline()).isTrue();
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.winner().variantId()).isEqualTo("base-1");
        assertThat(d.reason()).contains("serving the original").contains(PolicyEngine.FALLBACK_MARK);
        assertThat(d.verdicts()).singleElement().satisfies(v -> assertThat(v.eligible()).isFalse());
    }

    @Test
    void theFallbackNeverReplacesAChampion() {
        Candidate champion = variant("v1-int8", 1, 4, 0.4, 10 * MB, 97);
        List<Candidate> v2 = List.of(baseline(2, 10, 40 * MB, 97), variant("v2-slow", 2, 12, 1.2, 10 * MB, 97));

        Decision d = PolicyEngine.decide(PromotionPolicy.DEFAULT, v2, Optional.of(champion), (Limits) null);

        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(d.winner().variantId()).isEqualTo("v1-int8");
    }

    @Test
    void anOriginalThatBreaksAHardLimitDoesNotServeAndTheReasonSaysWhich() {
        List<Candidate> cs = List.of(baseline(1, 10, 40 * MB, 97), variant("slow-int8", 1, 12, 1.2, 10 * MB, 97));

        Decision memory = PolicyEngine.decide(PromotionPolicy.DEFAULT, cs, Optional.empty(),
                new Limits(null, null, 256.0));
        assertThat(memory.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(memory.winner()).isNull();
        assertThat(memory.reason()).contains("the original cannot serve here either")
                .contains("peak memory 300 MiB > limit 256 MiB (device limit)");

        PromotionPolicy sizeCapped = new PromotionPolicy(new PromotionConstraints(null, 20.0, null, null), null, null,
                null, null, null, null);
        Decision size = PolicyEngine.decide(sizeCapped, cs, Optional.empty(), (Limits) null);
        assertThat(size.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(size.reason()).contains("size 40.0 MiB > limit 20.0 MiB");

        PromotionPolicy optedOut = new PromotionPolicy(null, null, null, null, null, null, false);
        assertThat(PolicyEngine.decide(optedOut, cs, Optional.empty(), (Limits) null).outcome())
                .isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
    }
}
