package dev.modelforge.registry.promotion;

import java.util.List;

/**
 * What a policy decided for one model on one profile, with a reason a person can read and every candidate's verdict.
 *
 * @param outcome  promoted, kept the champion, nothing eligible, or waiting for approval
 * @param winner   the variant to serve from now on (the champion when kept; null when nothing is eligible and no
 *                 champion exists)
 * @param reason   one sentence on why
 * @param verdicts each candidate's verdict, best first
 */
public record Decision(Outcome outcome, Candidate winner, String reason, List<Verdict> verdicts) {

    /** The closed set of automatic outcomes. */
    public enum Outcome {
        /** The winner replaces the champion (or is the first one). */
        PROMOTED,
        /** The current champion stays; the challenger did not beat it. */
        KEPT_CHAMPION,
        /** No candidate met the policy. */
        NOTHING_ELIGIBLE,
        /** The winner waits for a promoter's approval. */
        PENDING_APPROVAL
    }
}
