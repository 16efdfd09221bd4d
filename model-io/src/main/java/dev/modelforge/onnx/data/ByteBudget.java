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
            throw new DatasetLimitException(source + ": " + what + " would take the data past " + limit
                    + " bytes, the limit for one dataset (arrays, headers, shapes and archive entries together)",
                    limit);
        }
    }

    /** Bookkeeping charged per archive entry, so a million empty entries cost as much as their data would. */
    static final int ENTRY_BYTES = 512;

    /**
     * Checks and charges every entry of an archive before any is read: each name must stay inside the
     * archive (no {@code ..} segment, absolute, drive or backslash path, no NUL), each entry costs
     * {@link #ENTRY_BYTES} plus its name.
     *
     * @throws UnusableDatasetException naming an entry that would climb out
     */
    void chargeEntries(java.util.zip.ZipFile zip) {
        var entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            String why = unsafeEntryName(name);
            if (why != null) {
                throw new UnusableDatasetException(source + ": archive entry '" + name + "' " + why
                        + "; entry names must be relative paths inside the archive");
            }
            charge(ENTRY_BYTES + name.length(), "entry '" + name + "'");
        }
    }

    static String unsafeEntryName(String name) {
        if (name.indexOf('\0') >= 0) {
            return "contains a NUL byte";
        }
        if (name.startsWith("/")) {
            return "is an absolute path";
        }
        if (name.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (name.length() >= 2 && name.charAt(1) == ':') {
            return "is a drive-letter path";
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                return "climbs out with '..'";
            }
        }
        return null;
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
