package dev.modelforge.registry.promotion;

import dev.modelforge.api.promotion.Objective;
import dev.modelforge.api.promotion.PromotionConstraints;
import dev.modelforge.api.promotion.PromotionMode;
import dev.modelforge.api.promotion.PromotionPolicy;
import dev.modelforge.api.profile.Limits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Applies a {@link PromotionPolicy} to the measured variants of one model version on one profile, against the
 * current champion. Pure: no I/O, no clock; the same inputs always give the same decision.
 */
public final class PolicyEngine {

    private static final double MIB = 1024.0 * 1024.0;

    private PolicyEngine() {
    }

    /**
     * Decides for one model version on one profile.
     *
     * @param policy     the profile's policy
     * @param candidates every variant of the version, the baseline included
     * @param champion   the variant serving the profile now, with its measurement there
     */
    public static Decision decide(PromotionPolicy policy, List<Candidate> candidates, Optional<Candidate> champion) {
        return decide(policy, candidates, champion, ChampionGate.none(), null);
    }

    /** As {@link #decide(PromotionPolicy, List, Optional, ChampionGate, Limits)} with no device limits. */
    public static Decision decide(PromotionPolicy policy, List<Candidate> candidates, Optional<Candidate> champion,
                                  ChampionGate gate) {
        return decide(policy, candidates, champion, gate, null);
    }

    /** As {@link #decide(PromotionPolicy, List, Optional, ChampionGate, Limits)} with no champion gate. */
    public static Decision decide(PromotionPolicy policy, List<Candidate> candidates, Optional<Candidate> champion,
                                  Limits deviceLimits) {
        return decide(policy, candidates, champion, ChampionGate.none(), deviceLimits);
    }

    /**
     * Decides for one model version on one profile, where replacing a champion of an earlier version must also pass
     * {@code gate}: a candidate it refuses is not eligible, and when it asks for approval the decision waits for one.
     *
     * @param policy       the profile's policy
     * @param candidates   every variant of the version, the baseline included
     * @param champion     the variant serving the profile now, with its measurement there
     * @param gate         what replacing that champion requires
     * @param deviceLimits the profile's hard limits, or null; they bound the baseline fallback: the original serves
     *                     only where it can run
     */
    public static Decision decide(PromotionPolicy policy, List<Candidate> candidates, Optional<Candidate> champion,
                                  ChampionGate gate, Limits deviceLimits) {
        Optional<Candidate> baseline = candidates.stream().filter(Candidate::baseline).findFirst();
        List<Candidate> ranked = new ArrayList<>();
        List<Verdict> rejected = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.baseline()) {
                continue;
            }
            List<String> reasons = new ArrayList<>(rejections(policy, c, baseline.orElse(null)));
            String refused = gate.refusal(c);
            if (refused != null) {
                reasons.add(refused);
            }
            if (reasons.isEmpty()) {
                ranked.add(c);
            } else {
                rejected.add(new Verdict(c.variantId(), c.modelVersion(), c.recipe(), false, null, reasons));
            }
        }
        ranked = rank(policy, ranked);
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            Candidate c = ranked.get(i);
            verdicts.add(new Verdict(c.variantId(), c.modelVersion(), c.recipe(), true, i + 1, List.of()));
        }
        verdicts.addAll(rejected);

        Candidate challenger = ranked.isEmpty() ? null : ranked.get(0);
        String why;
        if (challenger != null) {
            why = challenger.label() + " is the best of " + ranked.size() + " eligible on " + objectives(policy)
                    + versusBaseline(challenger, baseline.orElse(null));
        } else {
            // A fleet needs something to run: with nothing serving yet, the original does, where it can run at all.
            List<String> cannot = policy.fallbackToBaseline() && champion.isEmpty() && baseline.isPresent()
                    ? baselineCannotServe(policy, baseline.get(), deviceLimits) : null;
            if (cannot != null && cannot.isEmpty() && gate.refusal(baseline.get()) != null) {
                cannot = List.of(gate.refusal(baseline.get()));
            }
            if (cannot != null && cannot.isEmpty()) {
                challenger = baseline.get();
                why = "no compressed variant is eligible; serving the original " + challenger.label() + " ("
                        + FALLBACK_MARK + ")";
            } else {
                String none = baseline.map(b -> b.measurement() == null
                                ? "the baseline of v" + b.modelVersion()
                                + " has no completed benchmark, so nothing can be compared"
                                : "no variant met the policy (" + rejected.size() + " rejected)")
                        .orElse("the version has no baseline variant");
                if (cannot != null && baseline.get().measurement() != null) {
                    none += "; the original cannot serve here either: " + String.join("; ", cannot);
                }
                return new Decision(Decision.Outcome.NOTHING_ELIGIBLE, champion.orElse(null),
                        none + champion.map(ch -> "; " + ch.label() + " keeps serving").orElse(""), verdicts);
            }
        }

        if (champion.isPresent()) {
            Candidate ch = champion.get();
            if (ch.variantId().equals(challenger.variantId())) {
                return new Decision(Decision.Outcome.KEPT_CHAMPION, ch, ch.label() + " already serves and is still the best",
                        verdicts);
            }
            String replace = replaceReason(policy, challenger, ch);
            if (replace == null) {
                return new Decision(Decision.Outcome.KEPT_CHAMPION, ch,
                        "champion " + ch.label() + " stays: " + keepReason(policy, challenger, ch), verdicts);
            }
            why = why + "; " + replace;
        }
        boolean gated = champion.isPresent() && !gate.approvalReasons().isEmpty();
        if (gated) {
            why = why + "; replacing the champion needs a promoter's approval: " + String.join("; ", gate.approvalReasons());
        }
        Decision.Outcome outcome = policy.mode() == PromotionMode.APPROVAL || gated
                ? Decision.Outcome.PENDING_APPROVAL : Decision.Outcome.PROMOTED;
        return new Decision(outcome, challenger, why, verdicts);
    }

    /** Marks a decision that serves the original because nothing compressed is eligible. */
    public static final String FALLBACK_MARK = "fallback: baseline";

    /** Why the original may not serve as the fallback (its benchmark, the policy's constraints, the device's limits). */
    static List<String> baselineCannotServe(PromotionPolicy policy, Candidate baseline, Limits deviceLimits) {
        Measurement m = baseline.measurement();
        if (m == null) {
            return List.of(baseline.benchmarkFailure() != null ? "its benchmark failed: " + baseline.benchmarkFailure()
                    : "it has no completed benchmark on this profile");
        }
        List<String> reasons = new ArrayList<>();
        if (m.emulated() && !policy.allowEmulated()) {
            reasons.add("measured in emulation and the policy requires real hardware");
        }
        reasons.addAll(limitViolations(policy.constraints(), m));
        if (deviceLimits != null) {
            for (String r : limitViolations(new PromotionConstraints(null, deviceLimits.maxSizeMb(),
                    deviceLimits.maxP95LatencyMillis(), deviceLimits.maxMemoryMb()), m)) {
                if (!reasons.contains(r)) {
                    reasons.add(r + " (device limit)");
                }
            }
        }
        return reasons;
    }

    /** Each reason the candidate may not be promoted; empty when it is eligible. */
    static List<String> rejections(PromotionPolicy policy, Candidate c, Candidate baseline) {
        List<String> reasons = new ArrayList<>();
        Measurement m = c.measurement();
        if (m == null) {
            reasons.add(c.benchmarkFailure() != null ? "benchmark failed: " + c.benchmarkFailure()
                    : "no completed benchmark on this profile");
            return reasons;
        }
        if (m.emulated() && !policy.allowEmulated()) {
            reasons.add("measured in emulation and the policy requires real hardware");
        }
        reasons.addAll(limitViolations(policy.constraints(), m));
        Measurement base = baseline == null ? null : baseline.measurement();
        if (base == null) {
            reasons.add("the baseline has no completed benchmark on this profile, so nothing shows this variant is better");
            return reasons;
        }
        Double maxDrop = policy.constraints().maxAccuracyDropPoints();
        if (maxDrop != null) {
            if (m.accuracyPercent() == null || base.accuracyPercent() == null) {
                reasons.add("accuracy was not measured, and the policy limits its drop to " + fmt(maxDrop) + " pt");
            } else if (base.accuracyPercent() - m.accuracyPercent() > maxDrop + 1e-9) {
                reasons.add("accuracy drop " + fmt(base.accuracyPercent() - m.accuracyPercent()) + " pt > limit "
                        + fmt(maxDrop) + " pt (" + fmt(m.accuracyPercent()) + "% vs baseline " + fmt(base.accuracyPercent()) + "%)");
            }
        }
        firstCost(policy).ifPresent(o -> {
            String notBetter = notBetterThanBaseline(policy, o, m, base);
            if (notBetter != null) {
                reasons.add(notBetter);
            }
        });
        return reasons;
    }

    static List<String> limitViolations(PromotionConstraints limits, Measurement m) {
        List<String> reasons = new ArrayList<>();
        if (limits.maxSizeMb() != null && m.sizeBytes() / MIB > limits.maxSizeMb()) {
            reasons.add("size " + fmt(m.sizeBytes() / MIB) + " MiB > limit " + fmt(limits.maxSizeMb()) + " MiB");
        }
        if (limits.maxP95LatencyMillis() != null && m.p95LatencyMillis() > limits.maxP95LatencyMillis()) {
            reasons.add("p95 latency " + fmt(m.p95LatencyMillis()) + " ms > limit " + fmt(limits.maxP95LatencyMillis()) + " ms");
        }
        if (limits.maxMemoryMb() != null) {
            if (m.peakMemoryMb() == null) {
                reasons.add("peak memory was not measured, and the policy limits it to " + fmt(limits.maxMemoryMb()) + " MiB");
            } else if (m.peakMemoryMb() > limits.maxMemoryMb()) {
                reasons.add("peak memory " + fmt(m.peakMemoryMb()) + " MiB > limit " + fmt(limits.maxMemoryMb()) + " MiB");
            }
        }
        return reasons;
    }

    /**
     * Latency counts as better only when measured so: with a paired run, the whole confidence interval of the
     * ratio must lie below 1; without one, the median must be lower by more than the tie tolerance.
     */
    private static String notBetterThanBaseline(PromotionPolicy policy, Objective o, Measurement m, Measurement base) {
        if (o == Objective.LATENCY && m.latencyRatioCiHigh() != null) {
            return m.latencyRatioCiHigh() < 1.0 ? null
                    : "not measured faster than the baseline: latency ratio " + fmt(m.latencyRatioVsBaseline())
                    + " (95% CI up to " + fmt(m.latencyRatioCiHigh()) + ")";
        }
        Double mine = value(o, m);
        Double theirs = value(o, base);
        if (mine == null || theirs == null) {
            return o.json() + " was not measured for both this variant and the baseline";
        }
        return mine < theirs * (1 - policy.tieTolerance()) ? null
                : "not better than the baseline on " + o.json() + ": " + show(o, mine) + " vs " + show(o, theirs);
    }

    /** Best first. Selection rather than a sort: tolerance-based equality is not transitive. */
    private static List<Candidate> rank(PromotionPolicy policy, List<Candidate> eligible) {
        List<Candidate> left = new ArrayList<>(eligible);
        left.sort(Comparator.comparing(Candidate::variantId));
        List<Candidate> out = new ArrayList<>();
        while (!left.isEmpty()) {
            Candidate best = left.get(0);
            for (Candidate c : left) {
                if (compare(policy, c, best) < 0) {
                    best = c;
                }
            }
            out.add(best);
            left.remove(best);
        }
        return out;
    }

    /** Negative when {@code a} is better; lexicographic over the objectives, newer version breaking ties. */
    static int compare(PromotionPolicy policy, Candidate a, Candidate b) {
        for (Objective o : policy.objectives()) {
            int c = compareOn(policy, o, a.measurement(), b.measurement());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(b.modelVersion(), a.modelVersion());
    }

    private static int compareOn(PromotionPolicy policy, Objective o, Measurement a, Measurement b) {
        Double x = value(o, a);
        Double y = value(o, b);
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : 1) : -1;
        }
        if (Math.abs(x - y) <= policy.tieTolerance() * Math.max(Math.abs(x), Math.abs(y))) {
            return 0;
        }
        int lowerWins = Double.compare(x, y);
        return o == Objective.ACCURACY ? -lowerWins : lowerWins;
    }

    private static String replaceReason(PromotionPolicy policy, Candidate challenger, Candidate champion) {
        if (champion.measurement() == null) {
            return "champion " + champion.label() + " has no benchmark on this profile";
        }
        List<String> broken = limitViolations(policy.constraints(), champion.measurement());
        if (!broken.isEmpty()) {
            return "champion " + champion.label() + " no longer meets the policy: " + String.join("; ", broken);
        }
        if (compare(policy, challenger, champion) < 0 && firstDifference(policy, challenger, champion) != null) {
            return "beats champion " + champion.label() + " on " + firstDifference(policy, challenger, champion);
        }
        if (policy.preferNewest() && challenger.modelVersion() > champion.modelVersion()) {
            return "replaces champion " + champion.label() + " because the policy prefers the newest version";
        }
        return null;
    }

    private static String keepReason(PromotionPolicy policy, Candidate challenger, Candidate champion) {
        String diff = firstDifference(policy, champion, challenger);
        return diff == null
                ? "challenger " + challenger.label() + " ties with it on " + objectives(policy)
                : "it beats challenger " + challenger.label() + " on " + diff;
    }

    /** The first objective on which the two differ beyond the tolerance, as text, or null. */
    private static String firstDifference(PromotionPolicy policy, Candidate a, Candidate b) {
        for (Objective o : policy.objectives()) {
            if (compareOn(policy, o, a.measurement(), b.measurement()) != 0) {
                return o.json() + " (" + show(o, value(o, a.measurement())) + " vs " + show(o, value(o, b.measurement())) + ")";
            }
        }
        return null;
    }

    private static String versusBaseline(Candidate c, Candidate baseline) {
        if (baseline == null || baseline.measurement() == null) {
            return "";
        }
        Measurement m = c.measurement();
        Measurement b = baseline.measurement();
        // The paired A/B ratio is what the latency gate judged; the ratio of two separately measured p50s can say the
        // opposite on a noisy host, so it is shown only when no paired comparison exists.
        Double paired = m.latencyRatioVsBaseline();
        double latency = paired != null ? paired : m.p50LatencyMillis() / b.p50LatencyMillis();
        StringBuilder s = new StringBuilder(" (vs baseline: latency x").append(fmt(latency))
                .append(paired != null ? " paired" : "")
                .append(", size x").append(fmt((double) m.sizeBytes() / b.sizeBytes()));
        if (m.accuracyPercent() != null && b.accuracyPercent() != null) {
            s.append(", accuracy ").append(fmt(m.accuracyPercent() - b.accuracyPercent())).append(" pt");
        }
        return s.append(')').toString();
    }

    private static Optional<Objective> firstCost(PromotionPolicy policy) {
        return policy.objectives().stream().filter(o -> o != Objective.ACCURACY).findFirst();
    }

    static Double value(Objective o, Measurement m) {
        if (m == null) {
            return null;
        }
        return switch (o) {
            case LATENCY -> m.p50LatencyMillis();
            case SIZE -> (double) m.sizeBytes();
            case MEMORY -> m.peakMemoryMb();
            case ACCURACY -> m.accuracyPercent();
        };
    }

    private static String show(Objective o, Double v) {
        if (v == null) {
            return "unmeasured";
        }
        return switch (o) {
            case LATENCY -> fmt(v) + " ms";
            case SIZE -> fmt(v / MIB) + " MiB";
            case MEMORY -> fmt(v) + " MiB";
            case ACCURACY -> fmt(v) + "%";
        };
    }

    private static String objectives(PromotionPolicy policy) {
        return policy.objectives().stream().map(Objective::json).reduce((a, b) -> a + " > " + b).orElse("");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.3g", v);
    }
}
