package dev.modelforge.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The per-device summary of {@code upload --wait}, as a table or as JSON. */
final class DeviceTable {
    private DeviceTable() {
    }

    /** Prints the result (table or JSON); returns 0, or {@link ExitCodes#PIPELINE_FAILED} after saying why. */
    static int report(PrintWriter out, PrintWriter err, boolean json, Object upload, VersionFollower.Result result) {
        String error = result.succeeded() ? null : VersionFollower.failureMessage(result);
        if (json) {
            Output.json(out, json(upload, result, error));
        } else {
            print(out, result);
        }
        if (error == null) {
            return ExitCodes.OK;
        }
        err.println("error: " + error);
        err.flush();
        return ExitCodes.PIPELINE_FAILED;
    }

    static void print(PrintWriter out, VersionFollower.Result result) {
        out.printf("%s v%d: decided on %d device profile(s) in %s%n", result.model(), result.version(),
                result.devices().size(), VersionFollower.clock(result.elapsed()));
        var table = new Output.Table("PROFILE", "DECISION", "VARIANT", "RECIPE", "SIZE", "P95", "ACCURACY",
                "LATENCY vs BASE", "SIZE vs BASE", "ACC vs BASE", "WHY");
        boolean emulated = false;
        for (DeviceOutcome d : result.devices()) {
            emulated |= Boolean.TRUE.equals(d.emulated());
            table.row(d.device(), d.outcome().json(), d.variantId() == null ? null
                            : Output.shortId(d.variantId()) + (d.version() != null && d.version() != result.version()
                            ? " (v" + d.version() + ")" : ""), d.recipe(), Output.size(d.sizeBytes()),
                    Output.millis(d.p95LatencyMillis()), Output.percent(d.accuracyPercent()),
                    Output.ratio(d.latencyRatio()), Output.ratio(d.sizeRatio()), Output.points(d.accuracyDeltaPoints()),
                    d.variantId() == null || d.reason() == null ? d.reason()
                            : d.reason().replace(d.variantId(), Output.shortId(d.variantId())));
        }
        table.print(out);
        if (emulated) {
            out.println("(emulated: measured with the profile's threads and memory limit on this machine's CPU, "
                    + "not on the device itself)");
        }
        for (DeviceOutcome d : result.devices()) {
            if (d.outcome() == dev.modelforge.api.promotion.PromotionOutcome.PENDING_APPROVAL) {
                out.printf("%s waits for approval: ./modelforge approve %s%n", d.device(), d.promotionId());
            }
        }
        out.flush();
    }

    static Map<String, Object> json(Object upload, VersionFollower.Result result, String error) {
        var body = new LinkedHashMap<String, Object>();
        if (upload != null) {
            body.put("upload", upload);
        }
        body.put("model", result.model());
        body.put("version", result.version());
        body.put("succeeded", result.succeeded());
        body.put("elapsedSeconds", result.elapsed().toMillis() / 1000.0);
        body.put("devices", result.devices());
        body.put("failedJobs", result.failedJobs());
        if (error != null) {
            body.put("error", Map.of("exitCode", ExitCodes.PIPELINE_FAILED, "message", error));
        }
        return body;
    }
}
