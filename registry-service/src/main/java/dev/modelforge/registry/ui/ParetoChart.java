package dev.modelforge.registry.ui;

import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.registry.ui.Views.Chart;
import dev.modelforge.registry.ui.Views.Mark;
import dev.modelforge.registry.ui.Views.Tick;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lays out one profile's Pareto chart for server-side SVG: x = latency ratio vs the baseline on a log scale,
 * y = accuracy (or fidelity) in percent, marker area proportional to size. The numbers and the front come from the
 * registry's Pareto query; this class only places them.
 */
final class ParetoChart {
    static final int WIDTH = 520;
    static final int HEIGHT = 320;
    private static final int LEFT = 56;
    private static final int RIGHT = WIDTH - 16;
    private static final int TOP = 16;
    private static final int BOTTOM = HEIGHT - 44;
    private static final double MAX_RADIUS = 16;
    private static final double MIN_RADIUS = 4;

    private ParetoChart() {
    }

    /**
     * @param rejected reasons of candidates the profile's decision found ineligible, by variant id
     * @param promoted the variant serving the profile from this version, or null
     */
    static Chart layout(String profile, int version, List<ParetoPoint> points, String promoted,
                        Map<String, List<String>> rejected, boolean fidelity) {
        Double baselineP50 = points.stream().filter(p -> p.baseline() && p.benchmarked())
                .map(ParetoPoint::p50LatencyMillis).findFirst().orElse(null);
        List<ParetoPoint> plotted = new ArrayList<>();
        List<String> notPlotted = new ArrayList<>();
        for (ParetoPoint p : points) {
            if (p.benchmarked() && p.p50LatencyMillis() != null && baselineP50 != null && baselineP50 > 0) {
                plotted.add(p);
            } else {
                notPlotted.add(p.recipe() + ": " + (p.failure() != null ? p.failure()
                        : p.benchmarked() ? "no baseline measurement to compare with" : "not benchmarked yet"));
            }
        }
        double minX = 1;
        double maxX = 1;
        double minY = 100;
        double maxY = 0;
        long maxSize = 1;
        for (ParetoPoint p : plotted) {
            double x = p.p50LatencyMillis() / baselineP50;
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            double y = p.accuracyPercent() == null ? 0 : p.accuracyPercent();
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
            maxSize = Math.max(maxSize, p.sizeBytes());
        }
        double logMin = Math.log10(minX / 1.3);
        double logMax = Math.log10(maxX * 1.3);
        double yLow = Math.max(0, Math.floor(minY - 2));
        double yHigh = Math.min(100, Math.ceil(maxY + 2));
        if (yHigh - yLow < 4) {
            yLow = Math.max(0, yHigh - 4);
            yHigh = yLow + 4;
        }
        List<Mark> marks = new ArrayList<>();
        for (ParetoPoint p : plotted) {
            double ratio = p.p50LatencyMillis() / baselineP50;
            double cx = LEFT + (Math.log10(ratio) - logMin) / (logMax - logMin) * (RIGHT - LEFT);
            double acc = p.accuracyPercent() == null ? yLow : p.accuracyPercent();
            double cy = BOTTOM - (acc - yLow) / (yHigh - yLow) * (BOTTOM - TOP);
            double r = Math.max(MIN_RADIUS, MAX_RADIUS * Math.sqrt((double) p.sizeBytes() / maxSize));
            boolean isPromoted = p.variantId().equals(promoted);
            List<String> why = rejected.get(p.variantId());
            String cls = "mark" + (p.baseline() ? " baseline" : "") + (p.paretoOptimal() ? " front" : "")
                    + (why != null ? " rejected" : "") + (isPromoted ? " promoted" : "");
            String title = p.recipe() + ": latency ×" + fmt(ratio, 2) + " vs baseline, "
                    + (p.accuracyPercent() == null ? "accuracy not measured" : fmt(p.accuracyPercent(), 1) + "% "
                    + (fidelity ? "fidelity" : "accuracy")) + ", " + Format.bytes(p.sizeBytes())
                    + (p.paretoOptimal() ? ", on the Pareto front" : "") + (isPromoted ? ", promoted" : "")
                    + (why != null ? " — rejected: " + String.join("; ", why) : "");
            marks.add(new Mark(p.variantId(), p.recipe(), round(cx), round(cy), round(r), cls, title, isPromoted,
                    round(r + 5)));
        }
        StringBuilder front = new StringBuilder();
        marks.stream().filter(m -> m.cls().contains(" front")).sorted(Comparator.comparingDouble(Mark::cx))
                .forEach(m -> front.append(m.cx()).append(',').append(m.cy()).append(' '));
        List<Tick> xTicks = new ArrayList<>();
        for (double t : new double[] {0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, 8}) {
            double l = Math.log10(t);
            if (l >= logMin && l <= logMax) {
                xTicks.add(new Tick(round(LEFT + (l - logMin) / (logMax - logMin) * (RIGHT - LEFT)), "×" + fmt(t, 2)));
            }
        }
        List<Tick> yTicks = new ArrayList<>();
        double step = (yHigh - yLow) / 4;
        for (int i = 0; i <= 4; i++) {
            double v = yLow + i * step;
            yTicks.add(new Tick(round(BOTTOM - (v - yLow) / (yHigh - yLow) * (BOTTOM - TOP)), fmt(v, 1) + "%"));
        }
        return new Chart(profile, "v" + version, WIDTH, HEIGHT, fidelity ? "fidelity (top-1 agreement)" : "accuracy (top-1)",
                marks, front.toString().trim(), xTicks, yTicks, notPlotted, LEFT, RIGHT, TOP, BOTTOM);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** {@code v} with at most {@code digits} decimals, trailing zeros dropped (no regex: it runs per mark and tick). */
    static String fmt(double v, int digits) {
        String s = String.format(Locale.ROOT, "%." + digits + "f", v);
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
