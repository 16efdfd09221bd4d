package dev.modelforge.cli;

import dev.modelforge.api.client.UploadProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: {@code [=====>     ]  45%  120.0/267.0 MiB  85.3 MiB/s}. Redrawn at most
 * ten times a second so a fast upload does not spend its time printing.
 */
final class ProgressBar implements UploadProgress {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String label;
    private final long startNanos = System.nanoTime();
    private long lastDrawNanos;
    private boolean drawn;

    ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public synchronized void onProgress(long sentBytes, long totalBytes) {
        long now = System.nanoTime();
        if (sentBytes < totalBytes && now - lastDrawNanos < REDRAW_NANOS) {
            return;
        }
        lastDrawNanos = now;
        err.print('\r' + render(sentBytes, totalBytes, now - startNanos));
        err.flush();
        drawn = true;
    }

    /** Ends the line so later output starts on a fresh one. */
    synchronized void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }

    String render(long sent, long total, long elapsedNanos) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) sent / total);
        int filled = (int) Math.round(fraction * WIDTH);
        var bar = new StringBuilder(WIDTH + 2).append('[');
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        bar.append(']');
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        return String.format(Locale.ROOT, "%s %s %3d%%  %s/%s  %s/s", label, bar, Math.round(fraction * 100),
                mib(sent), mib(total), mib((long) (sent / seconds)));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
