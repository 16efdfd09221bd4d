package dev.modelforge.compress.validate;

import java.util.Map;

/** Streams batches into {@link Metrics} without keeping outputs (bounded memory on big eval sets). */
final class MetricsAccumulator {
    private final boolean hasReference;
    private int samples;
    private long labelled;
    private long correct;
    private long refCorrect;
    private long compared;
    private long agree;
    private double dot;
    private double normA;
    private double normB;
    private double maxAbs;

    MetricsAccumulator(boolean hasReference) {
        this.hasReference = hasReference;
    }

    void add(int n, Map<String, float[]> out, Map<String, long[]> shapes, Map<String, float[]> ref, long[] labels) {
        samples += n;
        String first = out.keySet().stream().findFirst().orElse(null);
        int[] top = first == null ? null : argmaxRows(out.get(first), shapes.get(first), n);
        int[] refTop = top == null || ref == null || ref.get(first) == null ? null
                : argmaxRows(ref.get(first), shapes.get(first), n);
        if (labels != null && top != null && labels.length == n) {
            for (int i = 0; i < n; i++) {
                labelled++;
                if (top[i] == labels[i]) {
                    correct++;
                }
                if (refTop != null && refTop[i] == labels[i]) {
                    refCorrect++;
                }
            }
        }
        if (ref == null) {
            return;
        }
        if (refTop != null) {
            for (int i = 0; i < n; i++) {
                compared++;
                if (refTop[i] == top[i]) {
                    agree++;
                }
            }
        }
        for (Map.Entry<String, float[]> e : out.entrySet()) {
            float[] b = ref.get(e.getKey());
            float[] a = e.getValue();
            if (b == null || b.length != a.length) {
                continue;
            }
            for (int i = 0; i < a.length; i++) {
                dot += (double) a[i] * b[i];
                normA += (double) a[i] * a[i];
                normB += (double) b[i] * b[i];
                maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
            }
        }
    }

    /** Per-row argmax over the last dimension, or null when the output is not [n, ..., classes]. */
    private static int[] argmaxRows(float[] v, long[] shape, int n) {
        if (shape == null || shape.length < 2 || shape[0] != n || v.length % n != 0) {
            return null;
        }
        int width = v.length / n;
        int[] out = new int[n];
        for (int r = 0; r < n; r++) {
            int best = 0;
            for (int c = 1; c < width; c++) {
                if (v[r * width + c] > v[r * width + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    Metrics metrics() {
        Double acc = labelled == 0 ? null : (double) correct / labelled;
        Double refAcc = labelled == 0 || !hasReference ? null : (double) refCorrect / labelled;
        Double agreement = compared == 0 ? null : (double) agree / compared;
        Double cos = !hasReference ? null : normA == 0 && normB == 0 ? 1.0 : dot / Math.sqrt(normA * normB);
        Double max = hasReference ? maxAbs : null;
        return new Metrics(samples, acc, refAcc, agreement, cos, max);
    }
}
