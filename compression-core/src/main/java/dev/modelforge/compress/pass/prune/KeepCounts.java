package dev.modelforge.compress.pass.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Kept channel counts per group. The request is a share of channels to remove; kernels want counts
 * that are multiples of their block ({@code unit}), so the exact count is rounded: up (never prune
 * more than asked), to the nearest multiple, or within a MAC budget — every group starts at the
 * lower multiple and groups are raised to the upper one, most important channels per MAC first,
 * while the model's MACs stay at most those of the unrounded request. That keeps the overall ratio
 * near the requested one while every count stays a multiple of the block.
 */
final class KeepCounts {
    /** One group to prune: {@code exact} = size × (1 − ratio), {@code unit} = the multiple its count must be. */
    record Want(int root, int size, int unit, double exact) {
    }

    private KeepCounts() {
    }

    static Map<Integer, Integer> choose(StructuredPruner.Rounding rounding, List<Want> wants,
                                        Supplier<MacModel> macModel, Map<Integer, double[]> scores, List<String> log) {
        Map<Integer, Integer> keep = new LinkedHashMap<>();
        for (Want w : wants) {
            double units = Math.ceil(w.exact()) / w.unit();
            keep.put(w.root(), switch (rounding) {
                case UP -> upper(w);
                case NEAREST -> bounded(w, (int) Math.round(units));
                case BUDGET -> bounded(w, (int) Math.floor(units));
            });
        }
        if (rounding != StructuredPruner.Rounding.BUDGET || wants.isEmpty()) {
            return keep;
        }
        MacModel macs = macModel.get(); // built only here: the other roundings never count MACs
        double budget = macs.total(root -> {
            for (Want w : wants) {
                if (w.root() == root) {
                    return w.exact();
                }
            }
            return -1;
        });
        List<Want> open = new ArrayList<>(wants.stream().filter(w -> upper(w) > keep.get(w.root())).toList());
        Map<Integer, double[]> ranked = new HashMap<>(); // each group's scores, highest first, sorted once
        for (Want w : open) {
            double[] score = scores.get(w.root());
            if (score != null) {
                double[] s = score.clone();
                Arrays.sort(s);
                for (int i = 0; i < s.length / 2; i++) {
                    double t = s[i];
                    s[i] = s[s.length - 1 - i];
                    s[s.length - 1 - i] = t;
                }
                ranked.put(w.root(), s);
            }
        }
        double total = macs.total(r -> keep.getOrDefault(r, -1));
        while (!open.isEmpty()) {
            Want best = null;
            double bestValue = -1;
            double bestTotal = 0;
            for (Want w : open) {
                int upper = upper(w);
                double t = macs.total(r -> r == w.root() ? upper : keep.getOrDefault(r, -1));
                if (t > budget * (1 + 1e-9)) {
                    continue;
                }
                double value = gain(ranked.get(w.root()), keep.get(w.root()), upper) / Math.max(t - total, 1e-9);
                if (value > bestValue) {
                    best = w;
                    bestValue = value;
                    bestTotal = t;
                }
            }
            if (best == null) {
                break;
            }
            keep.put(best.root(), upper(best));
            total = bestTotal;
            open.remove(best);
        }
        log.add(String.format(java.util.Locale.ROOT, "rounding=budget: MACs %.0f of at most %.0f (the unrounded ratio's)",
                total, budget));
        return keep;
    }

    /** The count rounded up to whole blocks (what rounding=up keeps). */
    private static int upper(Want w) {
        return bounded(w, (int) Math.ceil(Math.ceil(w.exact()) / w.unit()));
    }

    /** {@code units} blocks, at least one block and at most the group. */
    private static int bounded(Want w, int units) {
        return Math.min(w.size(), Math.max(units, 1) * w.unit());
    }

    /** Importance of the channels ranked {@code from} .. {@code to}-1 (what raising the count keeps). */
    private static double gain(double[] highestFirst, int from, int to) {
        if (highestFirst == null) {
            return to - from;
        }
        double g = 0;
        for (int i = from; i < to && i < highestFirst.length; i++) {
            g += highestFirst[i];
        }
        return g;
    }
}
