package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.client.RegistryClientException;
import dev.modelforge.api.job.CompressionJob;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.promotion.CandidateVerdict;
import dev.modelforge.api.promotion.PromotionOutcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Follows an uploaded version through compression, benchmarking and promotion by polling the registry's REST API
 * with backoff (no Kafka access needed), drawing progress on stderr, until every followed device profile has a
 * policy decision or the timeout passes.
 *
 * <p>On a terminal the progress block is redrawn in place; otherwise (CI logs, pipes) only lines that changed are
 * printed, each with the elapsed time, so a log stays readable.
 */
final class VersionFollower {
    static final Duration FIRST_POLL = Duration.ofMillis(500);
    static final Duration MAX_POLL = Duration.ofSeconds(5);

    private final RegistryClient client;
    private final PrintWriter err;
    private final boolean progress;
    private final boolean terminal;
    private Duration firstPoll = FIRST_POLL;

    /** The result: one row per followed device, plus what failed on the way. */
    record Result(String model, int version, List<DeviceOutcome> devices, List<CompressionJob> failedJobs,
                  Duration elapsed) {
        boolean succeeded() {
            return devices.stream().allMatch(DeviceOutcome::succeeded);
        }
    }

    VersionFollower(RegistryClient client, PrintWriter err, boolean progress, boolean terminal) {
        this.client = client;
        this.err = err;
        this.progress = progress;
        this.terminal = terminal;
    }

    VersionFollower firstPoll(Duration d) {
        this.firstPoll = d;
        return this;
    }

    /**
     * The active profiles that have a live benchmark worker when none were named (the others would keep the wait
     * until its timeout; each skipped one is named on stderr with why); named ones must exist (a typo would otherwise
     * wait forever) and are followed whether served or not.
     */
    List<String> devices(List<String> requested) {
        if (requested != null && !requested.isEmpty()) {
            requested.forEach(client::getProfile);
            return List.copyOf(requested);
        }
        List<String> active = client.listProfiles().stream().filter(DeviceProfile::active).map(DeviceProfile::name)
                .toList();
        java.util.Set<String> unserved = new java.util.HashSet<>();
        try {
            for (var w : client.benchmarkWorkers()) {
                if (w.members() == 0) {
                    unserved.add(w.profile());
                    err.printf("skipping %s: no live benchmark worker (consumer group %s has no member); "
                            + "wait for it with --device %s%n", w.profile(), w.consumerGroup(), w.profile());
                }
            }
        } catch (RegistryClientException e) {
            err.println("(cannot tell which profiles have a benchmark worker: " + e.getMessage()
                    + "; waiting for every active profile)");
        }
        err.flush();
        List<String> served = active.stream().filter(p -> !unserved.contains(p)).toList();
        if (served.isEmpty()) {
            throw new ExitCodes.CliFailure(ExitCodes.NOT_FOUND, "no active profile has a live benchmark worker: "
                    + "start one, or name profiles with --device");
        }
        return served;
    }

    Result follow(String model, int version, List<String> devices, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Duration delay = firstPoll;
        Map<String, String> shown = new HashMap<>();
        int drawnLines = 0;
        PipelineSnapshot snap;
        while (true) {
            snap = PipelineSnapshot.read(client, model, version, devices);
            Map<String, String> lines = snap.lines(model, version, devices);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (progress) {
                drawnLines = draw(lines, shown, drawnLines, elapsed);
            }
            if (snap.decided(devices)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new ExitCodes.CliFailure(ExitCodes.TIMEOUT, timeoutMessage(model, version, devices, timeout,
                        snap));
            }
            Thread.sleep(Math.min(delay.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            delay = delay.multipliedBy(3).dividedBy(2);
            if (delay.compareTo(MAX_POLL) > 0) {
                delay = MAX_POLL;
            }
        }
        List<DeviceOutcome> outcomes = new ArrayList<>();
        for (String device : devices) {
            outcomes.add(DeviceOutcome.of(client, model, version, snap.decisions().get(device)));
        }
        return new Result(model, version, outcomes, snap.failedJobs(), Duration.ofNanos(System.nanoTime() - start));
    }

    private int draw(Map<String, String> lines, Map<String, String> shown, int drawnLines, Duration elapsed) {
        String clock = clock(elapsed);
        if (terminal) {
            var block = new StringBuilder();
            if (drawnLines > 0) {
                // Cursor up to the first line of the previous block, then clear to the end of the screen.
                block.append("\033[").append(drawnLines).append("F\033[J");
            }
            block.append('[').append(clock).append("] ");
            lines.values().forEach(l -> block.append(l).append('\n'));
            err.print(block);
            err.flush();
            return lines.size();
        }
        for (Map.Entry<String, String> e : lines.entrySet()) {
            if (!e.getValue().equals(shown.get(e.getKey()))) {
                err.println("[" + clock + "] " + e.getValue().strip());
                shown.put(e.getKey(), e.getValue());
            }
        }
        err.flush();
        return 0;
    }

    static String clock(Duration d) {
        return String.format(Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart());
    }

    private static String timeoutMessage(String model, int version, List<String> devices, Duration timeout,
                                         PipelineSnapshot snap) {
        var pending = new LinkedHashMap<String, String>();
        for (String device : devices) {
            if (!snap.decisions().containsKey(device)) {
                pending.put(device, snap.lines(model, version, List.of(device)).get("device:" + device).strip());
            }
        }
        return "timed out after " + clock(timeout) + " waiting for " + model + " v" + version + "; no decision yet for "
                + String.join(", ", pending.keySet()) + ":\n  " + String.join("\n  ", pending.values())
                + "\nthe pipeline goes on in the registry; check again with ./modelforge history " + model
                + " (is a benchmark worker serving " + String.join("/", pending.keySet()) + "?)";
    }

    /** Why the wait failed, naming each device without an eligible variant and each candidate's reasons. */
    static String failureMessage(Result result) {
        var msg = new StringBuilder();
        for (DeviceOutcome d : result.devices()) {
            if (d.outcome() != PromotionOutcome.NOTHING_ELIGIBLE) {
                continue;
            }
            msg.append(msg.length() == 0 ? "" : "\n").append("nothing eligible on ").append(d.device()).append(": ")
                    .append(d.reason());
            for (CandidateVerdict v : d.rejected()) {
                msg.append("\n    ").append(v.recipe()).append(" (v").append(v.version()).append(", ")
                        .append(Output.shortId(v.variantId())).append("): ").append(String.join("; ", v.reasons()));
            }
        }
        for (CompressionJob j : result.failedJobs()) {
            msg.append("\n  compression job ").append(j.recipe().label()).append(" for ")
                    .append(String.join(",", j.profiles())).append(" ").append(j.status().wireName())
                    .append(": ").append(j.error());
        }
        return msg.toString();
    }
}
