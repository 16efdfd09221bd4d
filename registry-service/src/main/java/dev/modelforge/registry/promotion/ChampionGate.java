package dev.modelforge.registry.promotion;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a candidate of a newer version must show before it replaces the champion of an earlier version (issue 13).
 * When both versions were evaluated on the same eval set with labels, accuracy is compared directly and a less
 * accurate candidate is refused ({@link #refusal}); when they cannot be compared (different or missing eval sets) or
 * the signature changed, replacing the champion needs a promoter's approval ({@link #approvalReasons}).
 *
 * @param championLabel            the champion, for reasons
 * @param championAccuracyPercent  its labelled accuracy on the shared eval set, or null when not comparable
 * @param labelledAccuracyPercent  each candidate's labelled accuracy on that set, by variant id
 * @param approvalReasons          why replacing the champion needs approval; empty when it does not
 */
public record ChampionGate(String championLabel, Double championAccuracyPercent,
                           Map<String, Double> labelledAccuracyPercent, List<String> approvalReasons) {

    /** No champion of an earlier version: nothing to guard. */
    public static ChampionGate none() {
        return new ChampionGate(null, null, Map.of(), List.of());
    }

    /** Why the candidate may not replace the champion, or null when it may. */
    public String refusal(Candidate c) {
        if (championAccuracyPercent == null) {
            return null;
        }
        Double mine = labelledAccuracyPercent.get(c.variantId());
        if (mine == null) {
            return "accuracy on the champion's eval set was not measured, so it is not shown to be as accurate as "
                    + "champion " + championLabel;
        }
        if (mine < championAccuracyPercent - 1e-9) {
            return String.format(Locale.ROOT, "less accurate than champion %s on the same eval set (%.2f%% vs %.2f%%)",
                    championLabel, mine, championAccuracyPercent);
        }
        return null;
    }
}
