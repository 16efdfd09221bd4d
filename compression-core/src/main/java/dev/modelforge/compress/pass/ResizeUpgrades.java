package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.DataType;
import dev.modelforge.compress.ir.Graph;
import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resize 10 and Upsample (7, 9) → Resize 11/13. The old ops map an output coordinate to {@code x / scale}
 * (11's {@code asymmetric}) and, in nearest mode, ONNX Runtime rounds that down when upsampling and up when
 * downsampling (its "simple" rounding). So nearest becomes {@code nearest_mode=floor} when every scale is ≥ 1
 * and {@code ceil} when every scale is ≤ 1; scales that are not constants, or that mix both, keep the op old
 * (refused with that reason). Resize 11 → 13 only made {@code roi}/{@code scales} optional: same meaning.
 */
final class ResizeUpgrades {
    private ResizeUpgrades() {
    }

    /** Resize, changed in 11 (roi input, coordinate modes) and 13 (optional inputs). */
    static final class Resize implements OpUpgrades.Upgrade {
        @Override
        public Optional<String> blocker(Node n, Graph g, long from, long to) {
            if (from >= 11) {
                return Optional.empty();
            }
            return nearestRounding(n, g, n.input(1)).isPresent() || !isNearest(n) ? Optional.empty()
                    : Optional.of("Resize (nearest) whose scales are not constant or mix up- and downsampling");
        }

        @Override
        public void apply(Node n, Graph g, long from, long to) {
            if (from >= 11) {
                return;
            }
            String scales = n.input(1);
            Optional<String> rounding = nearestRounding(n, g, scales);
            n.setInput(1, roi(n, g, to));
            n.setInput(2, scales);
            n.setAttr("coordinate_transformation_mode", "asymmetric");
            rounding.ifPresent(r -> n.setAttr("nearest_mode", r));
        }
    }

    /** Upsample: scales attribute → input in 9, deprecated for Resize in 10. */
    static final class Upsample implements OpUpgrades.Upgrade {
        @Override
        public Optional<String> blocker(Node n, Graph g, long from, long to) {
            if (!isNearest(n)) {
                return Optional.empty();
            }
            List<Float> scales = scales(n, g);
            return scales != null && scales.stream().allMatch(s -> s >= 1f) ? Optional.empty()
                    : Optional.of("Upsample (nearest) whose scales are not constant");
        }

        @Override
        public void apply(Node n, Graph g, long from, long to) {
            String scales = n.input(1);
            if (scales.isEmpty()) {
                float[] s = new float[n.attribute("scales").orElseThrow().getFloatsCount()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = n.attribute("scales").get().getFloats(i);
                }
                scales = OpUpgrades.constant(g, n, "scales", Tensor.ofFloats("", new long[] {s.length}, s));
            }
            boolean nearest = isNearest(n);
            String mode = n.attrString("mode", "nearest");
            List<String> inputs = new ArrayList<>(List.of(n.input(0)));
            if (to >= 11) {
                inputs.add(roi(n, g, to));
            }
            inputs.add(scales);
            Node resize = Node.of(n.name(), "Resize", inputs, List.of(n.output(0)));
            resize.setAttr("mode", "bilinear".equals(mode) ? "linear" : mode);
            if (to >= 11) {
                resize.setAttr("coordinate_transformation_mode", "asymmetric");
                if (nearest) {
                    resize.setAttr("nearest_mode", "floor");
                }
            }
            g.replace(n, List.of(resize));
        }

        private static List<Float> scales(Node n, Graph g) {
            if (n.attribute("scales").isPresent()) {
                return n.attribute("scales").get().getFloatsList();
            }
            return constantFloats(g, n.input(1));
        }
    }

    private static boolean isNearest(Node n) {
        return "nearest".equals(n.attrString("mode", "nearest"));
    }

    /** floor (every scale ≥ 1) or ceil (every scale ≤ 1) for nearest mode; empty otherwise. */
    private static Optional<String> nearestRounding(Node n, Graph g, String scales) {
        if (!isNearest(n)) {
            return Optional.empty();
        }
        List<Float> s = constantFloats(g, scales);
        if (s == null) {
            return Optional.empty();
        }
        if (s.stream().allMatch(v -> v >= 1f)) {
            return Optional.of("floor");
        }
        return s.stream().allMatch(v -> v <= 1f) ? Optional.of("ceil") : Optional.empty();
    }

    private static List<Float> constantFloats(Graph g, String name) {
        Optional<Tensor> t = g.initializer(name);
        if (t.isEmpty() || t.get().dataType() != DataType.FLOAT) {
            return null;
        }
        List<Float> out = new ArrayList<>();
        for (float f : t.get().floats()) {
            out.add(f);
        }
        return out;
    }

    /** Resize 11/12 require a roi input (ignored unless tf_crop_and_resize); 13 lets it be absent. */
    private static String roi(Node n, Graph g, long to) {
        return to >= 13 ? "" : OpUpgrades.constant(g, n, "roi", Tensor.ofFloats("", new long[] {0}, new float[0]));
    }
}
