package dev.modelforge.bench;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.localstack.LocalStack;
import dev.modelforge.worker.compression.it.Pipeline;
import dev.modelforge.worker.compression.it.ServiceProcess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compression pipeline throughput: jobs per minute with 1 and 2 compression workers (separate processes, one
 * consumer group) on the local stack, and the time from an upload to its last variant registered.
 *
 * <p>Each round uploads {@code models} copies of a fixture (distinct bytes, distinct models so Kafka spreads them
 * over partitions; jobs are keyed by model id) and waits until every job is finished. Jobs/minute counts every
 * finished job (succeeded or failed: a refusal is work done too) over the wall time from the first upload to the
 * last job finished.
 *
 * <p>Run (after {@code mvn -o -q -pl bench -am install -DskipTests}):
 * {@code mvn -o -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt} then
 * {@code java -cp "$(cat bench/target/classpath.txt):bench/target/classes" dev.modelforge.bench.CompressionPipelineBench [fixture] [models] [model|job]}
 * from the repository root.
 */
public final class CompressionPipelineBench {

    private CompressionPipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        Path fixtures = Path.of("compression-core", "src", "test", "resources", "fixtures");
        String fixture = args.length > 0 ? args[0] : "digits_cnn";
        int models = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // model (default, jobs of a model on one partition) or job (jobs spread over the group)
        String jobKey = args.length > 2 ? args[2] : "model";
        System.setProperty("modelforge.root", ".");
        Path work = Files.createTempDirectory("pipeline-bench-");
        try (LocalStack stack = LocalStack.start(work.resolve("stack"));
             Pipeline pipeline = Pipeline.start(stack, work.resolve("logs"),
                     java.util.Map.of("MODELFORGE_PLANNER_JOB_KEY", jobKey))) {
            List<String> rows = new ArrayList<>();
            for (int workers = 1; workers <= 2; workers++) {
                List<ServiceProcess> started = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    started.add(pipeline.startWorker("bench-" + workers + "-" + w));
                }
                Thread.sleep(12_000); // group rebalanced before the first job arrives
                rows.add(round(pipeline, fixtures, fixture, models, workers, work));
                started.forEach(ServiceProcess::close);
            }
            System.out.println();
            System.out.println("job key: " + jobKey);
            System.out.println("| workers | models | jobs | jobs per worker | wall s | jobs/min | upload → last variant s (median model) |");
            System.out.println("|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        }
    }

    private static String round(Pipeline pipeline, Path fixtures, String fixture, int models, int workers,
                                Path work) throws Exception {
        Instant start = Instant.now();
        List<String[]> uploads = new ArrayList<>();
        List<Instant> uploadedAt = new ArrayList<>();
        for (int i = 0; i < models; i++) {
            String model = "bench-" + workers + "w-" + i;
            Path onnx = work.resolve(model + ".onnx");
            Files.write(onnx, OnnxMl.ModelProto.parseFrom(Files.readAllBytes(fixtures.resolve(fixture + ".onnx")))
                    .toBuilder().setDocString(model).build().toByteArray());
            var v = pipeline.upload(model, onnx, fixtures.resolve(fixture + "_eval.npz"),
                    fixtures.resolve(fixture + "_calib.npz"));
            uploads.add(new String[] {model, Integer.toString(v.version())});
            uploadedAt.add(Instant.now());
        }
        int jobs = 0;
        java.util.Map<String, Integer> perWorker = new java.util.TreeMap<>();
        List<Double> latencies = new ArrayList<>();
        Instant lastFinished = start;
        for (int i = 0; i < uploads.size(); i++) {
            String[] u = uploads.get(i);
            JsonNode finished = pipeline.awaitJobsFinished(u[0], Integer.parseInt(u[1]), Duration.ofMinutes(20));
            Instant modelLast = uploadedAt.get(i);
            for (JsonNode job : finished) {
                jobs++;
                perWorker.merge(job.get("workerId").asText(), 1, Integer::sum);
                Instant at = Instant.parse(job.get("finishedAt").asText());
                modelLast = at.isAfter(modelLast) ? at : modelLast;
            }
            lastFinished = modelLast.isAfter(lastFinished) ? modelLast : lastFinished;
            latencies.add(Duration.between(uploadedAt.get(i), modelLast).toMillis() / 1000.0);
        }
        double wall = Duration.between(start, lastFinished).toMillis() / 1000.0;
        latencies.sort(Double::compare);
        return String.format(Locale.ROOT, "| %d | %d | %d | %s | %.1f | %.1f | %.1f |", workers, models, jobs,
                perWorker.values(), wall, jobs * 60 / wall, latencies.get(latencies.size() / 2));
    }
}
