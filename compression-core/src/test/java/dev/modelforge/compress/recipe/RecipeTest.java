package dev.modelforge.compress.recipe;

import dev.modelforge.compress.pass.PassRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecipeTest {
    private final RecipeRunner runner = new RecipeRunner(PassRegistry.discover());

    @Test
    void registryHasTheBuiltInPasses() {
        assertThat(PassRegistry.discover().names()).contains("int8-dynamic", "int4-weight-only", "fp16");
    }

    @Test
    void hashIgnoresFormattingKeyOrderAndExplicitDefaults() throws Exception {
        Recipe a = Recipe.parse("[{\"pass\":\"int8-dynamic\",\"params\":{\"perChannel\":true,\"reduceRange\":false}}]");
        Recipe b = Recipe.parse("[ { \"params\": {\"reduceRange\": false, \"perChannel\": true}, \"pass\": \"int8-dynamic\" } ]");
        Recipe c = Recipe.resolve("int8-dynamic");
        assertThat(a.sha256()).isEqualTo(b.sha256());
        assertThat(runner.canonical(a).sha256()).isEqualTo(runner.canonical(c).sha256());
        Recipe d = Recipe.resolve("int8-dynamic").withOverrides(Map.of("perChannel", "false"));
        assertThat(runner.canonical(d).sha256()).isNotEqualTo(runner.canonical(c).sha256());
        assertThat(runner.canonical(c).canonicalJson()).startsWith("[{\"params\":{").contains("\"perChannel\":true");
    }

    @Test
    void badRecipesNameWhatIsWrong() {
        assertThatThrownBy(() -> Recipe.parse("{\"pass\": 3}")).hasMessageContaining("\"pass\"");
        assertThatThrownBy(() -> Recipe.parse("[]")).hasMessageContaining("no steps");
        assertThatThrownBy(() -> Recipe.parse("not json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> runner.resolve(Recipe.parse("[{\"pass\":\"fp16\",\"params\":{\"target\":\"tpu\"}}]")))
                .isInstanceOf(RecipeException.class).hasMessageContaining("fp16").hasMessageContaining("target")
                .hasMessageContaining("[cpu, gpu]");
        assertThatThrownBy(() -> Recipe.parse("[{\"pass\":\"fp16\"},{\"pass\":\"int8-dynamic\"}]")
                .withOverrides(Map.of("target", "gpu"))).hasMessageContaining("<pass>.<param>");
    }

    @Test
    void multiStepOverridesTargetOnePass() throws Exception {
        Recipe r = Recipe.parse("[{\"pass\":\"int4-weight-only\"},{\"pass\":\"fp16\"}]")
                .withOverrides(Map.of("fp16.target", "gpu"));
        assertThat(r.steps().get(1).params()).containsEntry("target", "gpu");
        assertThat(r.steps().get(0).params()).isEmpty();
    }
}
