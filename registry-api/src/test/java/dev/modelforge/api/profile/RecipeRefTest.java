package dev.modelforge.api.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecipeRefTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void equalRecipesHashEquallyWhateverTheParameterOrder() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("calibration", "entropy");
        a.put("perChannel", true);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("perChannel", true);
        b.put("calibration", "entropy");
        assertThat(RecipeRef.of("int8-static", a).hash()).isEqualTo(RecipeRef.of("int8-static", b).hash());
        assertThat(RecipeRef.of("int8-static", a).hash()).isNotEqualTo(RecipeRef.of("int8-static").hash());
        assertThat(RecipeRef.of("int8-static").hash()).hasSize(64);
    }

    @Test
    void readsTheThreeSpellingsAndWritesTheChainForm() throws Exception {
        RecipeRef bare = json.readValue("\"int8-dynamic\"", RecipeRef.class);
        RecipeRef step = json.readValue("{\"name\":\"int8-dynamic\",\"params\":{}}", RecipeRef.class);
        RecipeRef chain = json.readValue(
                "{\"steps\":[{\"name\":\"prune-structured\",\"params\":{\"ratio\":0.3}},\"int8-static\"]}",
                RecipeRef.class);
        assertThat(bare).isEqualTo(step);
        assertThat(chain.label()).isEqualTo("prune-structured+int8-static");
        assertThat(chain.steps().get(0).params()).containsEntry("ratio", 0.3);

        RecipeRef back = json.readValue(json.writeValueAsString(chain), RecipeRef.class);
        assertThat(back).isEqualTo(chain);
        assertThat(back.hash()).isEqualTo(chain.hash());
    }

    @Test
    void knownRecipesRejectsUnknownNamesAndBaselineInAChain() {
        assertThat(KnownRecipes.problems(RecipeRef.of("int4-weight-only"))).isEmpty();
        assertThat(KnownRecipes.problems(RecipeRef.of("int3-magic"))).singleElement().asString()
                .contains("unknown recipe 'int3-magic'");
        assertThat(KnownRecipes.problems(new RecipeRef(List.of(RecipeStep.of("baseline"), RecipeStep.of("fp16")))))
                .anyMatch(p -> p.contains("baseline"));
        assertThatThrownBy(() -> new RecipeRef(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoIsAcceptedAloneButNotInAChain() {
        assertThat(KnownRecipes.problems(RecipeRef.of("auto", java.util.Map.of("maxAccuracyDropPoints", 0.5)))).isEmpty();
        assertThat(KnownRecipes.problems(new RecipeRef(List.of(RecipeStep.of("prune-structured"), RecipeStep.of("auto")))))
                .singleElement().asString().contains("'auto' chooses its own passes");
    }
}
