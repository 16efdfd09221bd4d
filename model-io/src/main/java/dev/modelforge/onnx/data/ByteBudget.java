package dev.modelforge.onnx.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Caps the bytes a dataset read may decompress, so a small hostile archive (a zip bomb, or a
 * header declaring a huge shape) fails with a clear error instead of exhausting the heap.
 */
final class ByteBudget {

    private final long limit;
    private final String source;
    private long used;

    ByteBudget(long limit, String source) {
        if (limit <= 0) {
            throw new IllegalArgumentException("byte limit must be positive, got " + limit);
        }
        this.limit = limit;
        this.source = source;
    }

    /** Reserves {@code n} bytes for {@code what}, before they are allocated. */
    void charge(long n, String what) {
        used += n;
        if (n < 0 || used > limit) {
            throw new DatasetFormatException(source + ": " + what + " would take the data past " + limit
                    + " bytes, the limit for one dataset (pass a larger limit if this is intended)");
        }
    }

    /** A stream that charges every byte read to this budget. */
    InputStream limit(InputStream in, String what) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    charge(1, what);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    charge(n, what);
                }
                return n;
            }
        };
    }
}
