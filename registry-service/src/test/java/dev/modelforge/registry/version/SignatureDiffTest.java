package dev.modelforge.registry.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.version.SignatureDto;
import dev.modelforge.api.version.TensorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureDiffTest {

    private static SignatureDto sig(List<TensorSpec> in, List<TensorSpec> out) {
        return new SignatureDto(in, out, Map.of("", 13L), 8, "", "", 1, 1);
    }

    private static TensorSpec t(String name, String type, String... dims) {
        return new TensorSpec(name, type, dims == null ? null : List.of(dims));
    }

    @Test
    void symbolicDimensionsAndMetadataAreNotTheContract() {
        var a = sig(List.of(t("x", "FLOAT", "batch", "3", "224", "224")), List.of(t("y", "FLOAT", "batch", "1000")));
        var b = new SignatureDto(List.of(t("x", "FLOAT", "N", "3", "224", "224")),
                List.of(t("y", "FLOAT", "?", "1000")), Map.of("", 17L), 9, "torch", "2", 99, 12345);
        assertThat(SignatureDiff.between(a, b)).isEmpty();
    }

    @Test
    void typesRanksFixedDimsAndNamesAreNamed() {
        var a = sig(List.of(t("x", "FLOAT", "batch", "3", "224", "224"), t("mask", "INT64", "batch")),
                List.of(t("y", "FLOAT", "batch", "1000")));
        var b = sig(List.of(t("x", "FLOAT16", "1", "3", "256", "224"), t("ids", "INT64", "batch")),
                List.of(t("y", "FLOAT", "batch", "10", "100")));
        assertThat(SignatureDiff.between(a, b)).containsExactly(
                "input 'x' element type FLOAT -> FLOAT16",
                "input 'x' dimension 0 batch -> 1 ([batch, 3, 224, 224] -> [1, 3, 256, 224])",
                "input 'x' dimension 2 224 -> 256 ([batch, 3, 224, 224] -> [1, 3, 256, 224])",
                "input 'mask' INT64[batch] was removed",
                "input 'ids' INT64[batch] was added",
                "output 'y' rank 2 -> 3 ([batch, 1000] -> [batch, 10, 100])");
    }

    @Test
    void anUnknownRankComparesOnlyNameAndType() {
        var a = sig(List.of(new TensorSpec("x", "FLOAT", null)), List.of());
        var b = sig(List.of(t("x", "FLOAT", "1", "2")), List.of());
        assertThat(SignatureDiff.between(a, b)).isEmpty();
    }
}
