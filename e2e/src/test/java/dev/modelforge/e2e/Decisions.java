package dev.modelforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.benchmark.BenchmarkJobView;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.RegistryClientException;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.CandidateVerdict;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.variant.Variant;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Waiting for the registry's promotion decisions, and what every decision must show, read over REST. */
final class Decisions {

    private Decisions() {
    }

    /**
     * Waits until the policy has decided {@code version} on each profile (all its benchmarks there are in) and
     * returns each decision. Fails with the version's job states when that takes longer than {@code timeout}.
     */
    static Map<String, Promotion> await(RegistryClient client, String model, int version, List<String> profiles,
                                        Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Promotion> decided = new LinkedHashMap<>();
        while (decided.size() < profiles.size()) {
            for (String profile : profiles) {
                if (!decided.containsKey(profile)) {
                    policyDecision(client, model, version, profile).ifPresent(p -> decided.put(profile, p));
                }
            }
            if (decided.size() < profiles.size()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("v" + version + " not decided after " + timeout + " on "
                            + profiles.stream().filter(p -> !decided.containsKey(p)).toList() + "\n"
                            + progress(client, model, version));
                }
                Thread.sleep(500);
            }
        }
        return decided;
    }

    private static Optional<Promotion> policyDecision(RegistryClient client, String model, int version,
                                                      String profile) {
        try {
            return client.promotions(model, profile, null).stream()
                    .filter(p -> p.kind() == PromotionKind.POLICY && Integer.valueOf(version).equals(p.decidedVersion()))
                    .findFirst();
        } catch (RegistryClientException e) {
            if (e.status() == 404) {
                return Optional.empty(); // the model is not there yet
            }
            throw e;
        }
    }

    private static String progress(RegistryClient client, String model, int version) {
        StringBuilder s = new StringBuilder("compression jobs:\n");
        for (CompressionJob j : client.listJobs(model, version)) {
            s.append("  ").append(j.recipe().label()).append(' ').append(j.status()).append(' ')
                    .append(j.profiles()).append(j.error() == null ? "" : " " + j.error()).append('\n');
        }
        s.append("benchmark jobs:\n");
        for (BenchmarkJobView j : client.listBenchmarkJobs(model, version)) {
            s.append("  ").append(j.recipe()).append(" on ").append(j.deviceProfile()).append(' ').append(j.status())
                    .append(j.error() == null ? "" : " " + j.error()).append('\n');
        }
        return s.toString();
    }

    /**
     * Every variant of the decided version built for the profile has exactly one verdict; eligible ones are ranked,
     * rejected ones say why.
     */
    static void assertEveryCandidateJudged(RegistryClient client, Promotion p, String profile) {
        List<Variant> candidates = client.listVariants(p.modelName(), p.decidedVersion()).stream()
                .filter(v -> !v.recipe().isBaseline() && v.profiles().contains(profile)).toList();
        assertThat(candidates).as("compressed variants of v" + p.decidedVersion() + " for " + profile).isNotEmpty();
        assertThat(p.verdicts()).extracting(CandidateVerdict::variantId)
                .containsExactlyInAnyOrderElementsOf(candidates.stream().map(Variant::id).toList());
        Map<String, Variant> byId = candidates.stream().collect(Collectors.toMap(Variant::id, v -> v));
        for (CandidateVerdict v : p.verdicts()) {
            assertThat(v.recipe()).isEqualTo(byId.get(v.variantId()).recipe().label());
            if (v.eligible()) {
                assertThat(v.rank()).as(v.toString()).isPositive();
                assertThat(v.reasons()).isEmpty();
            } else {
                assertThat(v.rank()).isNull();
                assertThat(v.reasons()).as(v.toString()).isNotEmpty().allMatch(r -> !r.isBlank());
            }
        }
    }

    static CandidateVerdict verdict(Promotion p, String variantId) {
        return p.verdicts().stream().filter(v -> v.variantId().equals(variantId)).findFirst()
                .orElseThrow(() -> new AssertionError("no verdict on " + variantId + " in " + p));
    }

    /** The best variant once it satisfies {@code expected}; the registry's cache may lag a promotion briefly. */
    static BestVariant awaitBest(RegistryClient client, String model, String profile, Predicate<BestVariant> expected,
                                 Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        BestVariant best = client.best(model, profile);
        while (!expected.test(best) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            best = client.best(model, profile);
        }
        assertThat(best).as("best on " + profile).matches(expected);
        return best;
    }
}
