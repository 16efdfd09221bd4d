package dev.modelforge.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes what s3proxy's filesystem store leaves of an aborted PUT. s3proxy 2.7 streams a PUT into
 * {@code <key>-<uuid>} and renames it when the body is complete; when the client hangs up mid-body the temp
 * file stays, and since it lacks the {@code user.content-md5} attribute every later listing of the bucket
 * answers 500. Real S3 and MinIO discard an aborted PUT, so the local stack does too: a temp file that has not
 * been written to for {@code modelforge.localstack.abandoned-put-after} (default 2 min, well past the
 * registry's own stall and idle timeouts) is deleted.
 */
final class AbandonedPutJanitor implements AutoCloseable {
    private static final Pattern TEMP_SUFFIX =
            Pattern.compile(".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final String COMPLETE_MARK = "content-md5";

    private final Path blobs;
    private final Duration after;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "s3proxy-janitor");
        t.setDaemon(true);
        return t;
    });

    private AbandonedPutJanitor(Path blobs, Duration after) {
        this.blobs = blobs;
        this.after = after;
    }

    static AbandonedPutJanitor watch(Path blobs) {
        Duration after = Duration.parse("PT" + System.getProperty("modelforge.localstack.abandoned-put-after", "120s")
                .toUpperCase(java.util.Locale.ROOT));
        var janitor = new AbandonedPutJanitor(blobs, after);
        long period = Math.max(1, Math.min(10, after.toSeconds() / 4));
        janitor.timer.scheduleWithFixedDelay(janitor::sweep, period, period, TimeUnit.SECONDS);
        return janitor;
    }

    /** @return how many abandoned temp files this pass removed */
    int sweep() {
        int removed = 0;
        long cutoff = System.currentTimeMillis() - after.toMillis();
        try (Stream<Path> files = Files.walk(blobs)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && TEMP_SUFFIX.matcher(p.getFileName().toString()).matches()
                        && !complete(p) && Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // A file renamed or removed while walking: the next pass sees the new state.
        }
        return removed;
    }

    private static boolean complete(Path p) throws IOException {
        var view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        return view == null || view.list().contains(COMPLETE_MARK);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
