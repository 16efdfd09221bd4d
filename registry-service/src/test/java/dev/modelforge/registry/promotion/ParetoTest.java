package dev.modelforge.registry.promotion;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParetoTest {

    private static Candidate c(String id, double p50, long size, Double acc) {
        return Candidate.measured(id, 1, id, false, new Measurement(false, p50, p50, null, null, size, null, acc));
    }

    @Test
    void dominatedCandidatesAreOffTheFront() {
        List<Candidate> cs = List.of(
                c("baseline", 10, 400, 97.0),    // most accurate: on the front
                c("int8", 4, 100, 96.8),         // fastest: on the front
                c("int4", 6, 60, 96.0),          // smallest: on the front
                c("fp16", 9, 200, 96.9),         // beaten on all three by none? int8 is faster, smaller, less accurate
                c("bad", 7, 120, 95.0),          // int8 beats it everywhere
                new Candidate("failed", 1, "x", false, null, "crashed"));

        assertThat(Pareto.front(cs)).containsExactlyInAnyOrder("baseline", "int8", "int4", "fp16");
    }

    @Test
    void unmeasuredAccuracyCountsAsWorst() {
        List<Candidate> cs = List.of(c("a", 4, 100, null), c("b", 4, 100, 90.0));

        assertThat(Pareto.front(cs)).containsExactly("b");
    }
}
