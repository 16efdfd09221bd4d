package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Model;
import dev.modelforge.compress.ir.ModelBuilder;
import dev.modelforge.compress.ir.Tensor;
import dev.modelforge.compress.testing.TinyModels;

import java.util.List;
import java.util.Random;

/** Tiny hand-built graphs with the structures structured pruning must follow. */
final class PruneGraphs {
    private PruneGraphs() {
    }

    static Tensor w(Random r, String name, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        return Tensor.ofFloats(name, shape, TinyModels.randn(r, n, 0.3f));
    }

    static void conv(ModelBuilder b, String in, String wName, String out, boolean pad) {
        var n = b.node("Conv", List.of(in, wName), List.of(out));
        if (pad) {
            n.setAttrInts("pads", List.of(1L, 1L, 1L, 1L));
        }
    }

    /** x → ConvA(8)+BN+Relu → ConvB(8); x → ConvC(8); Add → Relu → ConvD(4) → y. */
    static Model residual() {
        Random r = new Random(1);
        ModelBuilder b = ModelBuilder.create("res", 13).input("x", DataType.FLOAT, -1, 4, 8, 8)
                .initializer(w(r, "WA", 8, 4, 3, 3)).initializer(w(r, "WB", 8, 8, 3, 3))
                .initializer(w(r, "WC", 8, 4, 1, 1)).initializer(w(r, "WD", 4, 8, 3, 3))
                .initializer(Tensor.ofFloats("g", new long[]{8}, new float[]{1, 1, 1, 1, 1, 1, 1, 1}))
                .initializer(Tensor.ofFloats("be", new long[]{8}, new float[8]))
                .initializer(Tensor.ofFloats("mu", new long[]{8}, new float[8]))
                .initializer(Tensor.ofFloats("va", new long[]{8}, new float[]{1, 1, 1, 1, 1, 1, 1, 1}));
        conv(b, "x", "WA", "a", true);
        b.node("BatchNormalization", List.of("a", "g", "be", "mu", "va"), List.of("abn"));
        b.node("Relu", List.of("abn"), List.of("ar"));
        conv(b, "ar", "WB", "bo", true);
        conv(b, "x", "WC", "co", false);
        b.node("Add", List.of("bo", "co"), List.of("s"));
        b.node("Relu", List.of("s"), List.of("sr"));
        conv(b, "sr", "WD", "y", true);
        return b.output("y", DataType.FLOAT, -1, 4, 8, 8).build();
    }

    /** x → Conv1(8), Conv2(8) → Concat(axis 1) → Relu → Conv3(4) → y. */
    static Model concat() {
        Random r = new Random(2);
        ModelBuilder b = ModelBuilder.create("cat", 13).input("x", DataType.FLOAT, -1, 3, 6, 6)
                .initializer(w(r, "W1", 8, 3, 3, 3)).initializer(w(r, "W2", 8, 3, 1, 1))
                .initializer(w(r, "W3", 4, 16, 3, 3));
        conv(b, "x", "W1", "c1", true);
        conv(b, "x", "W2", "c2", false);
        b.node("Concat", List.of("c1", "c2"), List.of("cat")).setAttr("axis", 1L);
        b.node("Relu", List.of("cat"), List.of("cr"));
        conv(b, "cr", "W3", "y", true);
        return b.output("y", DataType.FLOAT, -1, 4, 6, 6).build();
    }

    /** x → Conv1(8) → Relu → depthwise Conv(group 8, bias) → Relu → Conv2(4) → y. */
    static Model depthwise() {
        Random r = new Random(3);
        ModelBuilder b = ModelBuilder.create("dw", 13).input("x", DataType.FLOAT, -1, 3, 6, 6)
                .initializer(w(r, "W1", 8, 3, 3, 3)).initializer(w(r, "WD", 8, 1, 3, 3))
                .initializer(w(r, "BD", 8)).initializer(w(r, "W2", 4, 8, 1, 1));
        conv(b, "x", "W1", "c1", true);
        b.node("Relu", List.of("c1"), List.of("r1"));
        b.node("Conv", List.of("r1", "WD", "BD"), List.of("d")).setAttr("group", 8L)
                .setAttrInts("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Relu", List.of("d"), List.of("r2"));
        conv(b, "r2", "W2", "y", false);
        return b.output("y", DataType.FLOAT, -1, 4, 6, 6).build();
    }

    /** x → Conv1(8, channel 5 all zero) → Relu → Conv2(4) → y: channel 5 carries nothing. */
    static Model zeroChannel() {
        Random r = new Random(4);
        float[] w1 = TinyModels.randn(r, 8 * 3 * 9, 0.3f);
        for (int i = 5 * 27; i < 6 * 27; i++) {
            w1[i] = 0f;
        }
        float[] b1 = TinyModels.randn(r, 8, 0.1f);
        b1[5] = 0f;
        ModelBuilder b = ModelBuilder.create("zero", 13).input("x", DataType.FLOAT, -1, 3, 6, 6)
                .initializer(Tensor.ofFloats("W1", new long[]{8, 3, 3, 3}, w1))
                .initializer(Tensor.ofFloats("B1", new long[]{8}, b1))
                .initializer(w(r, "W2", 4, 8, 3, 3));
        b.node("Conv", List.of("x", "W1", "B1"), List.of("c1")).setAttrInts("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Relu", List.of("c1"), List.of("r1"));
        conv(b, "r1", "W2", "y", true);
        return b.output("y", DataType.FLOAT, -1, 4, 6, 6).build();
    }

    /** x → Conv1(8) → Split(4, 4) → Relu each → Concat → Conv2(4) → y: the Split cuts the group in half. */
    static Model split() {
        Random r = new Random(5);
        ModelBuilder b = ModelBuilder.create("split", 13).input("x", DataType.FLOAT, -1, 3, 6, 6)
                .initializer(w(r, "W1", 8, 3, 3, 3)).initializer(w(r, "W2", 4, 8, 1, 1))
                .initializer(Tensor.ofInt64("sp", new long[]{2}, new long[]{4, 4}));
        conv(b, "x", "W1", "c1", true);
        b.node("Split", List.of("c1", "sp"), List.of("s1", "s2")).setAttr("axis", 1L);
        b.node("Relu", List.of("s1"), List.of("r1"));
        b.node("Relu", List.of("s2"), List.of("r2"));
        b.node("Concat", List.of("r1", "r2"), List.of("cat")).setAttr("axis", 1L);
        conv(b, "cat", "W2", "y", false);
        return b.output("y", DataType.FLOAT, -1, 4, 6, 6).build();
    }

    /**
     * x → Conv1(8) → Relu → grouped Conv(group 2, 4 inputs per group, bias) → Relu → Conv2(4) → y.
     * With {@code zeros}, Conv1 channels 1 and 5 (one per group) and grouped-Conv channels 2 and 6
     * carry nothing, so removing them must change no output.
     */
    static Model grouped(boolean zeros) {
        Random r = new Random(6);
        float[] w1 = TinyModels.randn(r, 8 * 4 * 9, 0.3f);
        float[] b1 = TinyModels.randn(r, 8, 0.1f);
        float[] wg = TinyModels.randn(r, 8 * 4 * 9, 0.3f);
        float[] bg = TinyModels.randn(r, 8, 0.1f);
        if (zeros) {
            for (int c : new int[]{1, 5}) {
                java.util.Arrays.fill(w1, c * 36, (c + 1) * 36, 0f);
                b1[c] = 0f;
            }
            for (int c : new int[]{2, 6}) {
                java.util.Arrays.fill(wg, c * 36, (c + 1) * 36, 0f);
                bg[c] = 0f;
            }
        }
        ModelBuilder b = ModelBuilder.create("grouped", 13).input("x", DataType.FLOAT, -1, 4, 6, 6)
                .initializer(Tensor.ofFloats("W1", new long[]{8, 4, 3, 3}, w1))
                .initializer(Tensor.ofFloats("B1", new long[]{8}, b1))
                .initializer(Tensor.ofFloats("WG", new long[]{8, 4, 3, 3}, wg))
                .initializer(Tensor.ofFloats("BG", new long[]{8}, bg))
                .initializer(w(r, "W2", 4, 8, 1, 1));
        b.node("Conv", List.of("x", "W1", "B1"), List.of("c1")).setAttrInts("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Relu", List.of("c1"), List.of("r1"));
        b.node("Conv", List.of("r1", "WG", "BG"), List.of("g")).setAttr("group", 2L)
                .setAttrInts("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Relu", List.of("g"), List.of("r2"));
        conv(b, "r2", "W2", "y", false);
        return b.output("y", DataType.FLOAT, -1, 4, 6, 6).build();
    }

    /** x → Conv1(4) → Relu → depthwise Conv with multiplier 2 (group 4, 8 outputs) → Relu → Conv2(4) → y. */
    static Model depthwiseMultiplier() {
        Random r = new Random(7);
        ModelBuilder b = ModelBuilder.create("dwm", 13).input("x", DataType.FLOAT, -1, 3, 6, 6)
                .initializer(w(r, "W1", 4, 3, 3, 3)).initializer(w(r, "WM", 8, 1, 3, 3))
                .initializer(w(r, "W2", 4, 8, 1, 1));
        conv(b, "x", "W1", "c1", true);
        b.node("Relu", List.of("c1"), List.of("r1"));
        b.node("Conv", List.of("r1", "WM"), List.of("m")).setAttr("group", 4L)
                .setAttrInts("pads", List.of(1L, 1L, 1L, 1L));
        b.node("Relu", List.of("m"), List.of("r2"));
        conv(b, "r2", "W2", "y", false);
        return b.output("y", DataType.FLOAT, -1, 4, 6, 6).build();
    }
}
