package dev.modelforge.e2e;

import static dev.modelforge.e2e.TestProfiles.APPROVAL;
import static dev.modelforge.e2e.TestProfiles.IMPOSSIBLE;
import static dev.modelforge.e2e.TestProfiles.LATENCY;
import static dev.modelforge.e2e.TestProfiles.NEWEST;
import static dev.modelforge.e2e.TestProfiles.SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelforge.api.benchmark.BenchmarkResult;
import dev.modelforge.api.benchmark.BenchmarkStatus;
import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.RegistryClientException;
import dev.modelforge.api.client.UploadRequest;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.promotion.ApprovalState;
import dev.modelforge.api.promotion.BestVariant;
import dev.modelforge.api.promotion.CandidateVerdict;
import dev.modelforge.api.promotion.PromoteRequest;
import dev.modelforge.api.promotion.Promotion;
import dev.modelforge.api.promotion.PromotionKind;
import dev.modelforge.api.promotion.PromotionOutcome;
import dev.modelforge.api.promotion.PromotionProblemTypes;
import dev.modelforge.api.promotion.ReviewRequest;
import dev.modelforge.api.promotion.RollbackRequest;
import dev.modelforge.api.variant.Variant;
import dev.modelforge.api.auth.CreateApiKeyRequest;
import dev.modelforge.api.auth.Role;
import dev.modelforge.api.promotion.ParetoPoint;
import dev.modelforge.registry.ui.Browser;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 7 end to end: a model uploaded through the REST API is compressed by a real compression worker, measured by a
 * real benchmark worker (each its own JVM from its packaged jar) and promoted by the registry per device profile —
 * nothing here posts a benchmark result or a variant itself. Five test profiles, one per policy behaviour, are created
 * through the API. Version 1 is the CNN fixture; version 2, uploaded last, is the transformer fixture, about four times
 * bigger: worse on size, so it must lose against the champion unless the policy prefers the newest version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionEndToEndIT {

    private static final Path FIXTURES = Path.of(System.getProperty("modelforge.root", ".."))
            .resolve("compression-core/src/test/resources/fixtures");
    private static final String MODEL = "e2e-digits";
    /** Generous: the whole pipeline on a shared 2-core machine; typically well under two minutes. */
    private static final Duration DECIDE = Duration.ofMinutes(8);
    /** The best-variant cache is invalidated by the promotion events, and serves nothing older than 1 s anyway. */
    private static final Duration CACHE = Duration.ofSeconds(15);

    private Path work;
    private E2eStack stack;
    private RegistryClient admin;
    /** Version 1's policy decision on each profile. */
    private Map<String, Promotion> v1;

    @BeforeAll
    void startEverythingAndUploadVersion1() throws Exception {
        long begin = System.nanoTime();
        work = Files.createTempDirectory("modelforge-e2e-");
        Path logs = Path.of("target", "e2e-logs").toAbsolutePath();
        E2eStack.deleteTree(logs); // the launcher appends: keep only this run's service logs
        stack = E2eStack.start(work, logs);
        admin = stack.admin();
        // Only the test's profiles: the seeded ones would add compression and benchmark jobs no worker here serves.
        for (DeviceProfile p : admin.listProfiles()) {
            admin.deleteProfile(p.name());
        }
        for (DeviceProfile p : TestProfiles.all()) {
            admin.putProfile(p.name(), p);
        }
        stack.startWorkers(List.of(SIZE, NEWEST, APPROVAL, IMPOSSIBLE), "quick");
        long ready = System.nanoTime();
        upload("digits_cnn", false);
        v1 = new HashMap<>(Decisions.await(admin, MODEL, 1, List.of(SIZE, NEWEST, APPROVAL, IMPOSSIBLE), DECIDE));
        // The latency decision hangs on a paired comparison's confidence interval, so that profile is measured after
        // the others (its jobs waited in Kafka meanwhile) and with the worker's standard plan: 30 interleaved rounds
        // instead of the quick plan's 6. With 6 rounds next to four other profiles' measurements an interval reached
        // 1.27 around a ratio of 0.90; after them with 30 rounds it was 0.78-0.79, at about 4 s per job for models
        // this small. The test checks the decision against the stored measurements, so either outcome is judged.
        stack.startBenchmarkWorker("e2e-bench-latency", List.of(LATENCY), "standard");
        v1.putAll(Decisions.await(admin, MODEL, 1, List.of(LATENCY), DECIDE));
        System.out.printf("e2e: services up in %d s, version 1 decided on every profile %d s later (logs: %s)%n",
                seconds(ready - begin), seconds(System.nanoTime() - ready), logs);
    }

    private static long seconds(long nanos) {
        return Duration.ofNanos(nanos).toSeconds();
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            E2eStack.deleteTree(work);
        }
    }

    @Test
    @Order(1)
    void version1IsPromotedOnEachSizeProfileWithReasons() throws Exception {
        for (String profile : List.of(SIZE, NEWEST)) {
            Promotion p = v1.get(profile);
            assertThat(p.outcome()).as(profile + ": " + p).isEqualTo(PromotionOutcome.PROMOTED);
            assertThat(p.kind()).isEqualTo(PromotionKind.POLICY);
            assertThat(p.decidedBy()).isEqualTo("policy");
            assertThat(p.version()).isEqualTo(1);
            assertThat(p.reason()).as(profile).contains(p.recipe()).contains("is the best of");
            assertThat(p.effectiveAt()).isNotNull();
            Decisions.assertEveryCandidateJudged(admin, p, profile);
            CandidateVerdict winner = Decisions.verdict(p, p.variantId());
            assertThat(winner.eligible()).isTrue();
            assertThat(winner.rank()).isEqualTo(1);
            assertThat(admin.best(MODEL, profile).variantId()).isEqualTo(p.variantId());
            // int8-static is 0.3x the CNN; int8-dynamic (only the Gemm quantized) is not 2 % smaller
            assertThat(p.recipe()).isEqualTo("int8-static");
            assertThat(admin.best(MODEL, profile).deltas().sizeRatio()).isLessThan(0.5);
            variant(1, "int8-dynamic").ifPresent(dynamic -> assertThat(Decisions.verdict(p, dynamic.id()))
                    .satisfies(v -> assertThat(v.eligible()).isFalse())
                    .satisfies(v -> assertThat(v.reasons()).anyMatch(r -> r.contains("not better than the baseline on size"))));
        }
    }

    /**
     * The latency profile promotes only a variant measured faster than the baseline (whole paired interval below 1)
     * and accurate enough. Whether int8 beats float on a model this small depends on the machine, so what is checked
     * is that the decision follows the measurements the benchmark worker stored: each candidate is eligible exactly
     * when its own stored numbers meet the policy, and the outcome and the served variant follow from that.
     */
    @Test
    @Order(2)
    void theLatencyDecisionFollowsThePairedMeasurements() {
        Promotion latency = v1.get(LATENCY);
        Decisions.assertEveryCandidateJudged(admin, latency, LATENCY);
        Variant baseline = variant(1, "baseline").orElseThrow();
        BenchmarkResult base = result(baseline.id(), LATENCY);
        assertThat(base.accuracy().samples()).isEqualTo(360);
        assertThat(base.accuracy().top1Accuracy()).isCloseTo(358 / 360.0, within(1e-9));
        for (CandidateVerdict v : latency.verdicts()) {
            BenchmarkResult r = result(v.variantId(), LATENCY);
            assertThat(r.comparison()).as("paired against the baseline").isNotNull();
            assertThat(r.comparison().baselineVariantId()).isEqualTo(baseline.id());
            assertThat(r.comparison().ratio()).isBetween(r.comparison().ciLow(), r.comparison().ciHigh());
            double dropPoints = (base.accuracy().top1Accuracy() - r.accuracy().top1Accuracy()) * 100;
            boolean faster = r.comparison().ciHigh() < 1.0;
            System.out.printf("e2e: %s on %s: latency ratio %.3f (95%% CI %.3f-%.3f, %d rounds), accuracy %+.2f pt%n",
                    v.recipe(), LATENCY, r.comparison().ratio(), r.comparison().ciLow(), r.comparison().ciHigh(),
                    r.comparison().rounds(), -dropPoints);
            assertThat(v.eligible()).as(v.toString())
                    .isEqualTo(faster && dropPoints <= TestProfiles.MAX_ACCURACY_DROP_POINTS + 1e-9);
            if (!faster) {
                assertThat(v.reasons()).anyMatch(reason -> reason.startsWith("not measured faster than the baseline"));
            }
        }

        if (latency.verdicts().stream().noneMatch(CandidateVerdict::eligible)) {
            assertThat(latency.outcome()).as(latency.toString()).isEqualTo(PromotionOutcome.NOTHING_ELIGIBLE);
            assertThat(latency.variantId()).isNull();
            assertThatThrownBy(() -> admin.best(MODEL, LATENCY)).isInstanceOfSatisfying(RegistryClientException.class,
                    e -> assertThat(e.problem().type()).isEqualTo(PromotionProblemTypes.NOTHING_PROMOTED));
            return;
        }
        assertThat(latency.outcome()).as(latency.toString()).isEqualTo(PromotionOutcome.PROMOTED);
        CandidateVerdict winner = Decisions.verdict(latency, latency.variantId());
        assertThat(winner.rank()).isEqualTo(1);
        // ranked on latency first: no other eligible candidate is faster beyond the policy's 2 % tie tolerance
        BenchmarkResult mine = result(latency.variantId(), LATENCY);
        for (CandidateVerdict v : latency.verdicts()) {
            if (v.eligible() && !v.variantId().equals(latency.variantId())) {
                assertThat(result(v.variantId(), LATENCY).latency().p50Millis())
                        .isGreaterThanOrEqualTo(mine.latency().p50Millis() * 0.98);
            }
        }
        BestVariant best = admin.best(MODEL, LATENCY);
        assertThat(best.variantId()).isEqualTo(latency.variantId());
        assertThat(best.deltas().baselineVariantId()).isEqualTo(baseline.id());
        assertThat(best.deltas().latencyRatio()).isEqualTo(mine.comparison().ratio());
        assertThat(best.benchmark().jobId()).isEqualTo(mine.jobId());
    }

    @Test
    @Order(3)
    void aProfileWhoseConstraintsNothingMeetsGetsNothingEligibleWithEachCandidatesReason() {
        Promotion p = v1.get(IMPOSSIBLE);
        assertThat(p.outcome()).as(p.toString()).isEqualTo(PromotionOutcome.NOTHING_ELIGIBLE);
        assertThat(p.variantId()).isNull();
        assertThat(p.effectiveAt()).isNull();
        assertThat(p.reason()).contains("no variant met the policy");
        Decisions.assertEveryCandidateJudged(admin, p, IMPOSSIBLE);
        assertThat(p.verdicts()).isNotEmpty().allSatisfy(v -> {
            assertThat(v.eligible()).isFalse();
            assertThat(v.reasons()).anyMatch(r -> r.matches("size .* MiB > limit 0\\.0100 MiB"));
        });
        assertThatThrownBy(() -> admin.best(MODEL, IMPOSSIBLE)).isInstanceOfSatisfying(RegistryClientException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.problem().type()).isEqualTo(PromotionProblemTypes.NOTHING_PROMOTED);
                    assertThat(e.problem().detail()).contains("nothing eligible");
                });
    }

    @Test
    @Order(4)
    void approvalModeStaysPendingUntilApprovedThenServes() {
        Promotion pending = v1.get(APPROVAL);
        assertThat(pending.outcome()).as(pending.toString()).isEqualTo(PromotionOutcome.PENDING_APPROVAL);
        assertThat(pending.approval()).isEqualTo(ApprovalState.PENDING);
        assertThat(pending.effectiveAt()).isNull();
        assertThat(pending.recipe()).isEqualTo("int8-static");
        assertThatThrownBy(() -> admin.best(MODEL, APPROVAL)).isInstanceOfSatisfying(RegistryClientException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.problem().detail()).contains("pending approval").contains(pending.id());
                });

        Promotion approved = stack.promoter().review(pending.id(), true, new ReviewRequest("e2e: numbers look right"));
        assertThat(approved.approval()).isEqualTo(ApprovalState.APPROVED);
        assertThat(approved.reviewedBy()).as("the acting key's id, not its name").matches("key:\\d+");
        assertThat(approved.effectiveAt()).isNotNull();
        BestVariant best = Decisions.awaitBest(admin, MODEL, APPROVAL, b -> b.promotionId().equals(pending.id()), CACHE);
        assertThat(best.variantId()).isEqualTo(pending.variantId());
        assertThatThrownBy(() -> stack.promoter().review(pending.id(), true, new ReviewRequest("again")))
                .isInstanceOfSatisfying(RegistryClientException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    @Order(5)
    void bestForADeviceDescriptionNamesTheProfileItChose() {
        BestVariant twoCores = admin.bestFor(MODEL, Map.of("arch", "amd64", "cores", "4", "memoryMb", "8192",
                "isa", "avx2,f16c"));
        assertThat(twoCores.device()).isEqualTo(NEWEST);
        assertThat(twoCores.resolvedProfile()).isTrue();
        assertThat(twoCores.resolution()).contains("x86_64").contains("2 core(s)");
        assertThat(twoCores.variantId()).isEqualTo(v1.get(NEWEST).variantId());

        // one core: the newest profile assumes two, so the closest 1-core profile (most memory) is chosen
        BestVariant oneCore = admin.bestFor(MODEL, Map.of("arch", "x86_64", "cores", "1", "memoryMb", "8192"));
        assertThat(oneCore.device()).isEqualTo(SIZE);
        assertThat(oneCore.variantId()).isEqualTo(v1.get(SIZE).variantId());

        assertThatThrownBy(() -> admin.bestFor(MODEL, Map.of("arch", "arm64", "cores", "4")))
                .isInstanceOfSatisfying(RegistryClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.problem().type()).isEqualTo(PromotionProblemTypes.NO_MATCHING_PROFILE);
                    assertThat(e.problem().detail()).contains(NEWEST + " needs arch x86_64");
                });
    }

    @Test
    @Order(6)
    void presignedDownloadOfTheBestVariantMatchesItsSha256() throws Exception {
        BestVariant best = admin.best(MODEL, SIZE);
        Variant variant = admin.getVariant(best.variantId());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        try (InputStream in = admin.download(URI.create(best.downloadUrl()))) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; bytes += n) {
                sha.update(buf, 0, n);
            }
        }
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(best.sha256()).isEqualTo(variant.sha256());
        assertThat(bytes).isEqualTo(best.sizeBytes()).isEqualTo(variant.sizeBytes());
    }

    @Test
    @Order(7)
    void manualPromotionAndRollbackAreServedAndRecorded() {
        String champion = v1.get(NEWEST).variantId();
        // any other v1 variant built for the profile (int8-dynamic when it compressed, else the original)
        Variant other = admin.listVariants(MODEL, 1).stream().filter(v -> !v.id().equals(champion))
                .filter(v -> v.profiles().contains(NEWEST) || v.recipe().isBaseline())
                .min(Comparator.comparing(v -> v.recipe().isBaseline())).orElseThrow();
        RegistryClient promoter = stack.promoter();

        Promotion manual = promoter.promote(MODEL, new PromoteRequest(NEWEST, other.id(), "e2e: pin for a field test"));
        assertThat(manual.kind()).isEqualTo(PromotionKind.MANUAL);
        assertThat(manual.outcome()).isEqualTo(PromotionOutcome.PROMOTED);
        assertThat(manual.variantId()).isEqualTo(other.id());
        assertThat(manual.previousVariantId()).isEqualTo(champion);
        assertThat(manual.decidedBy()).isEqualTo(approvedBy());
        Decisions.awaitBest(admin, MODEL, NEWEST, b -> b.variantId().equals(other.id()), CACHE);

        Promotion rollback = promoter.rollback(MODEL, new RollbackRequest(NEWEST, "e2e: field test over"));
        assertThat(rollback.kind()).isEqualTo(PromotionKind.ROLLBACK);
        assertThat(rollback.variantId()).isEqualTo(champion);
        assertThat(rollback.previousVariantId()).isEqualTo(other.id());
        Decisions.awaitBest(admin, MODEL, NEWEST, b -> b.variantId().equals(champion), CACHE);

        List<Promotion> history = admin.promotions(MODEL, NEWEST, null);
        assertThat(history).extracting(Promotion::id)
                .containsSubsequence(rollback.id(), manual.id(), v1.get(NEWEST).id());
        assertThat(history.get(0).reason()).isEqualTo("e2e: field test over");
        // "what served this profile then": at the manual promotion's instant, the manual promotion
        assertThat(admin.promotions(MODEL, NEWEST, manual.effectiveAt().toString()))
                .extracting(Promotion::id).containsExactly(manual.id());
    }

    @Test
    @Order(8)
    void aWorseSecondVersionKeepsTheChampionUnlessThePolicyPrefersTheNewest() throws Exception {
        // only the two profiles this test is about plan version 2 (fewer jobs, a shorter test)
        for (String done : List.of(LATENCY, APPROVAL, IMPOSSIBLE)) {
            admin.putProfile(done, TestProfiles.inactive(admin.getProfile(done)));
        }
        long begin = System.nanoTime();
        // the transformer reads [batch, 8, 8], the CNN [batch, 1, 16, 16]: a declared signature change
        upload("digits_transformer", true);
        Map<String, Promotion> v2 = Decisions.await(admin, MODEL, 2, List.of(SIZE, NEWEST), DECIDE);
        System.out.printf("e2e: version 2 decided in %d s%n", seconds(System.nanoTime() - begin));
        assertThat(admin.listBenchmarkJobs(MODEL, 2)).allSatisfy(j -> assertThat(j.deviceProfile()).isIn(SIZE, NEWEST));

        Variant sizeChampion = admin.getVariant(v1.get(SIZE).variantId());
        Promotion kept = v2.get(SIZE);
        assertThat(kept.outcome()).as(kept.toString()).isEqualTo(PromotionOutcome.KEPT_CHAMPION);
        assertThat(kept.variantId()).isEqualTo(sizeChampion.id());
        assertThat(kept.version()).isEqualTo(1);
        assertThat(kept.decidedVersion()).isEqualTo(2);
        assertThat(kept.effectiveAt()).as("keeping changes nothing that serves").isNull();
        assertThat(kept.reason()).contains("champion").contains("stays").contains("size");
        Decisions.assertEveryCandidateJudged(admin, kept, SIZE);
        assertThat(kept.verdicts()).anyMatch(CandidateVerdict::eligible).allSatisfy(v -> {
            assertThat(v.version()).isEqualTo(2);
            if (v.eligible()) {
                assertThat(admin.getVariant(v.variantId()).sizeBytes()).isGreaterThan(sizeChampion.sizeBytes());
            } else {
                assertThat(v.reasons()).isNotEmpty();
            }
        });
        assertThat(Decisions.awaitBest(admin, MODEL, SIZE, b -> true, CACHE).variantId()).isEqualTo(sizeChampion.id());
        assertThat(admin.promotions(MODEL, SIZE, null)).extracting(Promotion::id)
                .containsExactly(kept.id(), v1.get(SIZE).id());

        Variant newestChampion = admin.getVariant(v1.get(NEWEST).variantId());
        Promotion newest = v2.get(NEWEST);
        // a new signature and another eval set: replacing the champion waits for a promoter (issue 13)
        assertThat(newest.outcome()).as(newest.toString()).isEqualTo(PromotionOutcome.PENDING_APPROVAL);
        assertThat(newest.version()).isEqualTo(2);
        assertThat(newest.previousVariantId()).isEqualTo(newestChampion.id());
        assertThat(newest.reason()).contains("prefers the newest version").contains("changes the signature")
                .contains("different eval sets");
        assertThat(admin.best(MODEL, NEWEST).variantId()).isEqualTo(newestChampion.id());
        assertThat(stack.promoter().review(newest.id(), true, new ReviewRequest("e2e: clients read 8x8 now"))
                .approval()).isEqualTo(ApprovalState.APPROVED);
        // bigger than the champion, so only preferNewest explains the replacement
        assertThat(admin.getVariant(newest.variantId()).sizeBytes()).isGreaterThan(newestChampion.sizeBytes());
        assertThat(Decisions.awaitBest(admin, MODEL, NEWEST, b -> b.version() == 2, CACHE).variantId())
                .isEqualTo(newest.variantId());
    }

    @Test
    @Order(9)
    void everyRecordedDecisionWasPublishedOnThePromotionsTopic() {
        List<Promotion> history = admin.promotions(MODEL, null, null);
        // v1 on 5 profiles, the manual promotion, the rollback, v2 on 2 profiles
        assertThat(history).hasSize(9);
        Predicate<List<PromotionEvents.Event>> all = events -> events.stream()
                .filter(e -> Promotion.EVENT_DECIDED.equals(e.type())).count() >= history.size()
                && events.stream().anyMatch(e -> Promotion.EVENT_REVIEWED.equals(e.type()));
        List<PromotionEvents.Event> events = PromotionEvents.read(stack.kafkaBootstrap(), MODEL, all,
                Duration.ofSeconds(60));
        Map<String, Promotion> decided = events.stream().filter(e -> Promotion.EVENT_DECIDED.equals(e.type()))
                .collect(Collectors.toMap(e -> e.promotion().id(), PromotionEvents.Event::promotion));
        assertThat(decided.keySet()).containsExactlyInAnyOrderElementsOf(history.stream().map(Promotion::id).toList());
        for (Promotion p : history) {
            Promotion published = decided.get(p.id());
            assertThat(published.outcome()).isEqualTo(p.outcome());
            assertThat(published.variantId()).isEqualTo(p.variantId());
            assertThat(published.reason()).isEqualTo(p.reason());
            assertThat(published.verdicts()).isEqualTo(p.verdicts());
        }
        assertThat(events).filteredOn(e -> Promotion.EVENT_REVIEWED.equals(e.type())
                        && e.promotion().id().equals(v1.get(APPROVAL).id())).singleElement()
                .satisfies(e -> {
                    assertThat(e.promotion().id()).isEqualTo(v1.get(APPROVAL).id());
                    assertThat(e.promotion().approval()).isEqualTo(ApprovalState.APPROVED);
                });
    }

    /**
     * The web console over the same registry, as a reader: each decided profile's chart on each version page draws one
     * mark per benchmarked candidate (as the Pareto query lists them) and rings the variant that serves the profile
     * when it comes from that version; no promoter buttons; no browser console error.
     */
    @Test
    @Order(10)
    void theConsoleDrawsEachDecidedProfilesCandidatesAndRingsWhatServes() throws Exception {
        String readerKey = admin.createApiKey(new CreateApiKeyRequest("e2e-console-reader", Role.READER)).secret();
        try (Browser browser = new Browser(admin.baseUri().toString(), Path.of("target", "screenshots"))) {
            browser.open("/ui/login");
            browser.find("input[name=apiKey]").sendKeys(readerKey);
            browser.find("form button").click();
            browser.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("a[data-testid=model-link][href='/ui/models/" + MODEL + "']")));
            browser.assertNoConsoleErrors();
            browser.screenshot("e2e-models");
            browser.find("a[data-testid=model-link][href='/ui/models/" + MODEL + "']").click();
            browser.waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(
                    By.cssSelector("[data-testid=model-name]"), MODEL));
            assertThat(browser.all("form[action$='/promote'], form[action$='/rollback']")).isEmpty();
            browser.assertNoConsoleErrors();
            browser.screenshot("e2e-model");
            for (int version : List.of(1, 2)) {
                browser.open("/ui/models/" + MODEL + "/versions/" + version);
                assertThat(browser.attribute("[data-testid=progress]", "data-done")).isEqualTo("true");
                for (String profile : List.of(SIZE, NEWEST)) {
                    String chart = "[data-testid=pareto-" + profile + "] ";
                    List<String> benchmarked = admin.pareto(MODEL, version, profile).stream()
                            .filter(ParetoPoint::benchmarked).map(ParetoPoint::variantId).toList();
                    assertThat(benchmarked).as(profile + " v" + version).isNotEmpty();
                    assertThat(browser.all(chart + "g.mark")).extracting(e -> e.getAttribute("data-variant"))
                            .as(profile + " v" + version).containsExactlyInAnyOrderElementsOf(benchmarked);
                    BestVariant serving = admin.best(MODEL, profile);
                    List<String> ringed = browser.all(chart + "circle.ring").stream()
                            .map(r -> r.findElement(By.xpath("..")).getAttribute("data-variant")).toList();
                    assertThat(ringed).as(profile + " v" + version)
                            .isEqualTo(serving.version() == version ? List.of(serving.variantId()) : List.of());
                }
                browser.assertNoConsoleErrors();
                browser.screenshot("e2e-version-" + version);
            }
        }
    }

    // ---- helpers ----

    private void upload(String fixture, boolean changesSignature) {
        var request = new UploadRequest(MODEL, FIXTURES.resolve(fixture + ".onnx"),
                FIXTURES.resolve(fixture + "_eval.npz"), FIXTURES.resolve(fixture + "_calib.npz"), null, null);
        admin.upload(changesSignature ? request.withSignatureChangeAllowed() : request, (sent, total) -> { });
    }

    /** Who approved version 1's pending decision: the promoter key, as {@code key:<id>}. */
    private String approvedBy() {
        return admin.promotions(MODEL, APPROVAL, null).stream().filter(p -> p.reviewedBy() != null)
                .map(Promotion::reviewedBy).findFirst().orElseThrow();
    }

    private java.util.Optional<Variant> variant(int version, String recipe) {
        return admin.listVariants(MODEL, version).stream().filter(v -> v.recipe().label().equals(recipe)).findFirst();
    }

    /** The latest successful measurement of the variant on the profile, as the registry stored it. */
    private BenchmarkResult result(String variantId, String profile) {
        List<BenchmarkResult> ok = admin.listBenchmarks(variantId).stream()
                .filter(r -> profile.equals(r.deviceProfile()) && r.status() == BenchmarkStatus.OK)
                .sorted(Comparator.comparing(BenchmarkResult::measuredAt)).toList();
        assertThat(ok).as("results of " + variantId + " on " + profile).isNotEmpty();
        return ok.get(ok.size() - 1);
    }

}
