package dev.modelforge.registry.ui;

import dev.modelforge.api.model.ModelDto;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.version.ModelVersionDto;
import io.quarkus.qute.TemplateData;
import java.util.List;

/** What the console's templates render: plain values, already formatted, so templates hold no logic. */
public final class Views {
    private Views() {
    }

    /** Frame of every page: who is signed in, what they may do, and the token their forms carry. */
    @TemplateData
    public record Chrome(String user, String role, String csrf, boolean promoter, boolean admin) {
    }

    @TemplateData
    public record ModelsView(Chrome chrome, String q, String tag, List<String> profiles, List<ModelRow> rows,
                             long total) {
    }

    @TemplateData
    public record ModelRow(String name, String owner, String description, List<String> tags, int latestVersion,
                           String status, List<ServedCell> cells) {
    }

    /** What serves one profile, or why nothing does. */
    @TemplateData
    public record ServedCell(String profile, boolean served, String recipe, String sizeRatio, String latencyRatio,
                             String note) {
    }

    @TemplateData
    public record ModelView(Chrome chrome, ModelDto model, List<DeviceRow> devices, List<ModelVersionDto> versions,
                            List<TimelineRow> timeline, List<Chart> charts, List<PromoteForm> promoteForms,
                            String flash, String error) {
    }

    @TemplateData
    public record DeviceRow(String profile, boolean served, String version, String variantId, String recipe,
                            String size, String p95, String accuracy, String latencyRatio, String sizeRatio,
                            String accuracyDelta, boolean emulated, String reason, List<String> candidateReasons) {
    }

    @TemplateData
    public record TimelineRow(String id, String profile, String when, String kind, String outcome, String variant,
                              String actor, String reason, String review, boolean pending) {
    }

    @TemplateData
    public record PromoteForm(String profile, List<Option> variants, boolean canRollback) {
    }

    @TemplateData
    public record Option(String value, String label) {
    }

    /** A Pareto chart in SVG coordinates. */
    @TemplateData
    public record Chart(String profile, String version, int width, int height, String yLabel, List<Mark> marks,
                        String frontPoints, List<Tick> xTicks, List<Tick> yTicks, List<String> notPlotted,
                        int plotLeft, int plotRight, int plotTop, int plotBottom) {
        public int xLabelY() {
            return plotBottom + 16;
        }

        public int xTitleY() {
            return height - 6;
        }

        public int yLabelX() {
            return plotLeft - 6;
        }

        public int xMiddle() {
            return (plotLeft + plotRight) / 2;
        }
    }

    @TemplateData
    public record Mark(String variantId, String recipe, double cx, double cy, double r, String cls, String title,
                       boolean promoted, double ringR) {
    }

    @TemplateData
    public record Tick(double pos, String label) {
    }

    @TemplateData
    public record VersionView(Chrome chrome, ModelVersionDto version, Progress progress, List<VariantRow> variants,
                              List<BenchRow> benchmarks, List<Chart> charts) {
    }

    @TemplateData
    public record Progress(String status, boolean done, List<ProfileProgress> profiles, List<String> failures) {
    }

    @TemplateData
    public record ProfileProgress(String profile, long compressionDone, long compressionTotal, long benchmarkDone,
                                  long benchmarkTotal, String decision) {
    }

    @TemplateData
    public record VariantRow(String id, String recipe, String sha256, String size, String profiles) {
    }

    @TemplateData
    public record BenchRow(String profile, String recipe, String status, boolean emulated, String p50, String p90,
                           String p95, String p99, String throughput, String memory, String accuracy,
                           String fingerprint) {
    }

    @TemplateData
    public record ProfilesView(Chrome chrome, List<DeviceProfile> profiles) {
    }

    @TemplateData
    public record ProfileView(Chrome chrome, DeviceProfile profile, String hardware, List<String> recipes,
                              String policy, List<RevisionRow> revisions) {
    }

    @TemplateData
    public record RevisionRow(int revision, String changedBy, String changedAt, boolean deleted, String summary) {
    }

    @TemplateData
    public record ErrorView(Chrome chrome, int status, String title, String detail) {
    }

    @TemplateData
    public record LoginView(String error, String notice) {
    }
}
