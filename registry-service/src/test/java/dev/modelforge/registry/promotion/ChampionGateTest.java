package dev.modelforge.registry.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.promotion.PromotionPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The champion gate inside {@link PolicyEngine}: refusals make a candidate ineligible, approval reasons hold it. */
class ChampionGateTest {
    private static final long MB = 1024 * 1024;

    private static Candidate c(String id, int version, boolean baseline, double p50, Double ciHigh, double acc) {
        return Candidate.measured(id, version, baseline ? "baseline" : "int8-dynamic", baseline,
                new Measurement(false, p50, p50 * 1.2, ciHigh == null ? null : ciHigh - 0.05, ciHigh, 4 * MB, 100.0, acc));
    }

    private static final Candidate CHAMPION = c("v1-int8", 1, false, 5, 0.6, 90.0);
    private static final List<Candidate> V2 = List.of(c("v2-base", 2, true, 10, null, 85.0),
            c("v2-int8", 2, false, 2, 0.3, 85.0), c("v2-fp16", 2, false, 4, 0.5, 91.0));

    @Test
    void aLessAccurateCandidateIsRefusedAndTheNextOneWins() {
        var gate = new ChampionGate(CHAMPION.label(), 90.0, Map.of("v2-int8", 85.0, "v2-fp16", 91.0), List.of());
        Decision d = PolicyEngine.decide(PromotionPolicy.DEFAULT, V2, Optional.of(CHAMPION), gate);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PROMOTED);
        assertThat(d.winner().variantId()).isEqualTo("v2-fp16");
        assertThat(d.verdicts()).filteredOn(v -> v.variantId().equals("v2-int8")).singleElement()
                .satisfies(v -> assertThat(v.reasons()).anyMatch(r -> r.startsWith("less accurate than champion")));
    }

    @Test
    void whenNothingIsAsAccurateTheChampionKeepsServing() {
        var gate = new ChampionGate(CHAMPION.label(), 95.0, Map.of("v2-int8", 85.0), List.of());
        Decision d = PolicyEngine.decide(PromotionPolicy.DEFAULT, V2, Optional.of(CHAMPION), gate);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NOTHING_ELIGIBLE);
        assertThat(d.winner()).isEqualTo(CHAMPION);
        assertThat(d.verdicts()).allSatisfy(v -> assertThat(v.eligible()).isFalse());
        assertThat(d.verdicts()).filteredOn(v -> v.variantId().equals("v2-fp16")).singleElement()
                .satisfies(v -> assertThat(v.reasons()).anyMatch(r -> r.contains("was not measured")));
    }

    @Test
    void incomparableAccuracyOrANewSignatureWaitsForApprovalOnlyWhenReplacing() {
        var gate = new ChampionGate(CHAMPION.label(), null, Map.of(), List.of("different eval sets"));
        Decision d = PolicyEngine.decide(PromotionPolicy.DEFAULT, V2, Optional.of(CHAMPION), gate);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.PENDING_APPROVAL);
        assertThat(d.winner().variantId()).isEqualTo("v2-int8");
        assertThat(d.reason()).contains("needs a promoter's approval: different eval sets");

        Candidate fastChampion = c("v1-int8", 1, false, 1, 0.1, 90.0);
        Decision kept = PolicyEngine.decide(PromotionPolicy.DEFAULT, V2, Optional.of(fastChampion), gate);
        assertThat(kept.outcome()).isEqualTo(Decision.Outcome.KEPT_CHAMPION);

        Decision first = PolicyEngine.decide(PromotionPolicy.DEFAULT, V2, Optional.empty(), gate);
        assertThat(first.outcome()).as("nothing to replace").isEqualTo(Decision.Outcome.PROMOTED);
    }
}
