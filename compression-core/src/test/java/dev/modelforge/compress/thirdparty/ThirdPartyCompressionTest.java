package dev.modelforge.compress.thirdparty;

import dev.modelforge.compress.CompressionException;
import dev.modelforge.compress.CompressionRequest;
import dev.modelforge.compress.Compressor;
import dev.modelforge.compress.recipe.Recipe;
import dev.modelforge.compress.report.CompressionReport;
import dev.modelforge.compress.testing.ThirdPartyModel;
import dev.modelforge.compress.testing.ThirdPartyModels;
import dev.modelforge.compress.validate.InputHint;
import dev.modelforge.compress.validate.ValidationGate;
import dev.modelforge.compress.validate.Validator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every pass of ours on every model users might bring: each run either yields a variant that ONNX
 * Runtime loads and runs (and that matches the float model) or refuses with a reason — and a
 * refusal never leaves a file behind.
 */
class ThirdPartyCompressionTest {
    private static final List<String> RECIPES = List.of("int8-dynamic", "int4-weight-only", "fp16");

    @TempDir
    Path tmp;

    static List<ThirdPartyModel> models() {
        return ThirdPartyModels.all();
    }

    @ParameterizedTest
    @MethodSource("models")
    void eachPassYieldsAValidVariantOrRefusesCleanly(ThirdPartyModel model) throws Exception {
        Path in = ThirdPartyModels.resolve(model);
        Map<String, InputHint> hints = new HashMap<>();
        model.inputs().forEach((name, h) -> hints.put(name,
                new InputHint(h.shape(), h.fill().isPresent() ? h.fill().getAsDouble() : null)));
        for (String recipe : RECIPES) {
            Path out = tmp.resolve(model.id() + "-" + recipe + ".onnx");
            CompressionRequest req = new CompressionRequest(in, out, Recipe.resolve(recipe), Optional.empty(),
                    Optional.empty(), 1, ValidationGate.defaults(), null, hints);
            String what = model.id() + " / " + recipe;
            try {
                CompressionReport r = new Compressor().compress(req);
                assertThat(out).as(what).exists();
                assertThat(r.validation().passed()).as(what).isTrue();
                // Independently of the run's own validation: a fresh session loads and runs the file.
                assertThat(new Validator(1, 1, ValidationGate.loadAndRunOnly(), hints).validate(out, null, null).passed())
                        .as(what).isTrue();
                System.out.printf("THIRDPARTY %s: ok size %.3fx cosine %.5f%n", what, r.sizeRatio(),
                        r.validation().metrics().cosineSimilarity());
            } catch (CompressionException e) {
                assertThat(e.getMessage()).as(what).isNotBlank();
                assertThat(e.kind()).as(what + ": " + e.getMessage()).isNotEqualTo(CompressionException.Kind.IO);
                assertThat(out).as(what + " refused but left a file").doesNotExist();
                try (var s = Files.list(tmp)) {
                    assertThat(s.filter(p -> p.getFileName().toString().startsWith("."))).as(what).isEmpty();
                }
                System.out.printf("THIRDPARTY %s: refused (%s) %s%n", what, e.kind(), e.getMessage());
            }
        }
    }
}
