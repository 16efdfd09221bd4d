package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.onnx.data.DatasetException;
import dev.modelforge.onnx.data.EvalDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupted inputs may be rejected, never crash with an unrelated exception: callers map our
 * exception types to user errors, anything else would become a 500.
 */
class FuzzTest {

    @TempDir
    Path dir;

    @Test
    void corruptedModelsFailOnlyWithInvalidOnnx() throws IOException {
        byte[] original = Files.readAllBytes(Fixtures.path("multi_input.onnx"));
        Random random = new Random(Long.getLong("fuzz.seed", 1));
        int accepted = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bytes = mutate(original, random);
            try {
                ModelSignature a = SignatureReader.read(bytes);
                assertThat(a.inputs()).isNotEmpty();
                accepted++;
            } catch (InvalidOnnxException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            try {
                ModelSignature.of(OnnxFiles.readBytes(bytes));
            } catch (InvalidOnnxException expected) {
                assertThat(expected.reason()).isNotNull();
            }
        }
        // Most single-byte corruptions hit names or dims and still parse; the rest must be refused cleanly.
        assertThat(accepted).isBetween(1, 2999);
    }

    @Test
    void corruptedDatasetsFailOnlyWithDatasetErrors() throws IOException {
        ModelSignature sig = SignatureReader.read(Fixtures.path("mlp.onnx"));
        Random random = new Random(Long.getLong("fuzz.seed", 1) + 1);
        for (String name : new String[] {"mlp_eval.npz", "mlp_test_data.zip", "numpy_stored.npz"}) {
            byte[] original = Files.readAllBytes(Fixtures.path(name));
            for (int i = 0; i < 400; i++) {
                Path f = dir.resolve(i + "-" + name);
                Files.write(f, mutate(original, random));
                try {
                    EvalDataset.load(f, sig);
                } catch (DatasetException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } finally {
                    Files.delete(f);
                }
            }
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        switch (random.nextInt(3)) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            default -> {
                for (int k = 0; k < 8; k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return b;
    }
}
