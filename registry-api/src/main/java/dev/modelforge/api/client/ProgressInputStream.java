package dev.modelforge.api.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes read through it and reports them to an {@link UploadProgress}. */
final class ProgressInputStream extends FilterInputStream {
    private final UploadProgress progress;
    private final long total;
    private long sent;

    ProgressInputStream(InputStream in, UploadProgress progress, long total) {
        super(in);
        this.progress = progress;
        this.total = total;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    private void advance(long n) {
        sent += n;
        progress.onProgress(sent, total);
    }
}
