package dev.modelforge.compress;

import dev.modelforge.compress.pass.Audience;
import dev.modelforge.compress.pass.PassRegistry;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.recipe.RecipeRunner;
import dev.modelforge.compress.recipe.RecipeStep;
import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code auto} recipe's checks in {@link Compressor} (what the worker relies on): no search runs here. */
class AutoRecipeTest {
    static final Path FIX = Path.of("src/test/resources/fixtures");
    static final Path CNN = FIX.resolve("digits_cnn.onnx");
    static final Path EVAL = FIX.resolve("digits_cnn_eval.npz");

    @TempDir
    Path tmp;

    private CompressionRequest request(Recipe r, Optional<Path> eval, Optional<Path> warm) {
        return new CompressionRequest(CNN, tmp.resolve("out.onnx"), r, Optional.empty(), eval, 1, null, null,
                Map.of(), warm);
    }

    @Test
    void autoIsABuiltInWhoseCanonicalFormSpellsOutItsDefaults() throws Exception {
        Recipe c = new RecipeRunner(PassRegistry.discover()).canonical(Recipe.resolve("auto"));
        assertThat(c.canonicalJson()).isEqualTo("[{\"params\":{\"maxAccuracyDropPoints\":0.5,\"objective\":\"latency\","
                + "\"timeBudgetSeconds\":120.0},\"pass\":\"auto\"}]");
    }

    @Test
    void autoWithoutAnEvaluationSetIsBadInput() {
        assertThatThrownBy(() -> new Compressor().compress(request(Recipe.resolve("auto"), Optional.empty(),
                Optional.empty())))
                .isInstanceOfSatisfying(CompressionException.class,
                        e -> assertThat(e.kind()).isEqualTo(CompressionException.Kind.BAD_INPUT))
                .hasMessageContaining("--eval");
        assertThatThrownBy(() -> new Compressor().compress(request(Recipe.resolve("auto"), Optional.empty(),
                Optional.empty()).withAudience(Audience.REGISTRY)))
                .hasMessageContaining("upload an evaluation set with the version (`eval` part)")
                .hasMessageNotContaining("--");
        assertThat(tmp.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void autoNeedsLabels() throws Exception {
        Map<String, NdArray> arrays = new LinkedHashMap<>(Npz.read(EVAL));
        assertThat(arrays.remove("labels")).isNotNull();
        Path unlabelled = tmp.resolve("unlabelled.npz");
        Npz.write(unlabelled, arrays);
        assertThatThrownBy(() -> new Compressor().compress(request(Recipe.resolve("auto"), Optional.of(unlabelled),
                Optional.empty())))
                .isInstanceOfSatisfying(CompressionException.class,
                        e -> assertThat(e.kind()).isEqualTo(CompressionException.Kind.BAD_INPUT))
                .hasMessageContaining("labels");
        assertThat(tmp.resolve("out.onnx")).doesNotExist();
    }

    @Test
    void autoChainedWithOtherPassesOrAWarmStartElsewhereIsABadRecipe() throws Exception {
        Recipe chained = Recipe.of(RecipeStep.of("prune-structured"), RecipeStep.of("auto"));
        assertThatThrownBy(() -> new Compressor().compress(request(chained, Optional.of(EVAL), Optional.empty())))
                .isInstanceOfSatisfying(CompressionException.class,
                        e -> assertThat(e.kind()).isEqualTo(CompressionException.Kind.BAD_RECIPE))
                .hasMessageContaining("only step");
        Path warm = Files.writeString(tmp.resolve("w.json"), "{}");
        assertThatThrownBy(() -> new Compressor().compress(request(Recipe.resolve("int8-dynamic"), Optional.of(EVAL),
                Optional.of(warm))))
                .isInstanceOfSatisfying(CompressionException.class,
                        e -> assertThat(e.kind()).isEqualTo(CompressionException.Kind.BAD_RECIPE))
                .hasMessageContaining("only to the auto recipe");
        assertThat(tmp.resolve("out.onnx")).doesNotExist();
    }
}
