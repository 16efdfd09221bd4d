package dev.modelforge.compress.search;

import dev.modelforge.compress.ir.ModelFiles;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.ValidationResult;
import dev.modelforge.compress.validate.Validator;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.data.EvalDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The auto search: budget respected when achievable, best-so-far plus diagnosis when not, time bounded. */
class AutoSearchTest {
    static final Path FIX = Path.of("src/test/resources/fixtures");
    static final Path CNN = FIX.resolve("digits_cnn.onnx");

    @TempDir
    Path tmp;

    static SearchSpec spec(double budget, Duration time, Map<String, Double> previous) {
        return new SearchSpec(budget, Objective.SIZE, time, FIX.resolve("digits_cnn_calib.npz"),
                FIX.resolve("digits_cnn_eval.npz"), 1, 32, previous);
    }

    @Test
    void achievableBudgetIsRespectedAndTheReportCanWarmStart() throws Exception {
        Duration budget = Duration.ofSeconds(240);
        SearchOutcome o = new AutoSearch(spec(0.5, budget, Map.of())).run(CNN);
        assertThat(o.elapsedMillis()).isLessThan(budget.toMillis() + 30_000);
        assertThat(o.budgetMet()).isTrue();
        assertThat(o.chosen().dropPoints()).isLessThanOrEqualTo(0.5);
        assertThat(o.chosen().sizeBytes()).isLessThan(java.nio.file.Files.size(CNN));
        assertThat(o.recipe().steps()).isNotEmpty();
        // the returned model is what its measurements say
        Path out = tmp.resolve("best.onnx");
        ModelFiles.write(o.model(), out);
        EvalDataset eval = EvalDataset.load(FIX.resolve("digits_cnn_eval.npz"), ModelSignature.of(o.model().toProto()));
        ValidationResult v = new Validator(1, 64, ValidationGate.loadAndRunOnly()).validate(out, CNN, eval);
        assertThat(v.metrics().accuracy()).isEqualTo(o.chosen().accuracy());
        String json = AutoSearch.toJson(o);
        assertThat(o.sensitivity()).containsKeys("quant:/stem/stem.0/Conv", "quant:/fc/Gemm");
        // int8-static on every layer stays within 0.5 pt, so no layer quantized alone may cost much more
        System.out.println("digits_cnn sensitivity: " + o.sensitivity());
        assertThat(o.sensitivity()).allSatisfy((layer, drop) -> {
            if (layer.startsWith("quant:")) {
                assertThat(drop).as(layer).isLessThanOrEqualTo(2.0);
            }
        });
        assertThat(json).contains("\"sensitivity\"").contains("\"decisions\"").contains("\"candidates\"");
    }

    @Test
    void latencyObjectiveIsNeverWorseThanTheBestSingleBuiltInRecipe() throws Exception {
        Path transformer = FIX.resolve("digits_transformer.onnx");
        SearchSpec latency = new SearchSpec(1.0, Objective.LATENCY, Duration.ofSeconds(120),
                FIX.resolve("digits_transformer_calib.npz"), FIX.resolve("digits_transformer_eval.npz"), 1, 32, Map.of());
        SearchOutcome o = new AutoSearch(latency).run(transformer);
        System.out.println("digits_transformer auto: " + o.decisions() + " -> " + o.chosen());
        // every single recipe was built first and measured when within budget
        assertThat(o.candidates()).extracting(SearchOutcome.Candidate::label)
                .contains("int8-dynamic", "int8-static", "int4-weight-only", "fp16");
        SearchOutcome.Candidate dynamic = o.candidates().stream().filter(c -> c.label().equals("int8-dynamic"))
                .findFirst().orElseThrow();
        assertThat(dynamic.withinBudget()).isTrue();
        assertThat(dynamic.latencyRatio()).isFinite();
        assertThat(o.budgetMet()).isTrue();
        // measured in this run, paired against float: the pick is at least as fast as plain int8-dynamic
        assertThat(o.chosen().latencyRatio()).isLessThanOrEqualTo(dynamic.latencyRatio());
        assertThat(o.decisions()).anyMatch(d -> d.startsWith("single recipes built, validated and timed in"));
        assertThat(o.candidates()).filteredOn(c -> c.withinBudget() && Double.isFinite(c.latencyRatio()))
                .allSatisfy(c -> assertThat(o.chosen().latencyRatio()).as(c.label()).isLessThanOrEqualTo(c.latencyRatio()));
    }

    @Test
    void unreachableWithinTheTimeBudgetReturnsBestSoFarWithADiagnosis() throws Exception {
        SearchOutcome o = new AutoSearch(spec(0.5, Duration.ofMillis(1), Map.of())).run(CNN);
        assertThat(o.timedOut()).isTrue();
        assertThat(o.model()).isNotNull();
        assertThat(o.budgetMet()).isFalse();
        assertThat(o.diagnosis()).contains("time budget");
    }

    @Test
    void warmStartSkipsMeasuredLayersAndUnmeetableBudgetGivesClosestCandidate() throws Exception {
        // a previous version measured the stem group: the search trusts it instead of re-measuring
        Map<String, Double> previous = Map.of("prune0.5:/stem/stem.0/Conv", 50.0);
        SearchOutcome o = new AutoSearch(spec(0.0, Duration.ofSeconds(240), previous)).run(CNN);
        assertThat(o.sensitivity()).containsEntry("prune0.5:/stem/stem.0/Conv", 50.0);
        assertThat(o.sensitivity()).containsKey("prune0.5:/res/a/a.0/Conv");
        assertThat(o.decisions()).anySatisfy(d -> assertThat(d).contains("leave group /stem/stem.0/Conv unpruned"));
        assertThat(o.model()).isNotNull();
        if (!o.budgetMet()) {
            assertThat(o.diagnosis()).contains("closest");
            assertThat(o.chosen().dropPoints()).isEqualTo(o.candidates().stream()
                    .mapToDouble(SearchOutcome.Candidate::dropPoints).min().orElseThrow());
        } else {
            assertThat(o.chosen().dropPoints()).isLessThanOrEqualTo(0.0);
        }
    }

    @Test
    void badBudgetsAreClearErrors() {
        assertThatThrownBy(() -> spec(-1, Duration.ofSeconds(1), Map.of())).hasMessageContaining("accuracy budget");
        assertThatThrownBy(() -> spec(0.5, Duration.ZERO, Map.of())).hasMessageContaining("time budget");
    }
}
