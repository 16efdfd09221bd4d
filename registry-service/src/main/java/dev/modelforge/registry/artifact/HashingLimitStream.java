package dev.modelforge.registry.artifact;

import dev.modelforge.registry.error.ProblemException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes SHA-256 and counts bytes as they stream past, and stops the stream once it passes the size
 * limit. The limit failure is kept so the caller can report it even if the S3 client wraps the exception.
 */
final class HashingLimitStream extends FilterInputStream {
    private final MessageDigest digest;
    private final long maxBytes;
    private long count;
    private ProblemException failure;

    HashingLimitStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > maxBytes) {
                failure = ProblemException.tooLarge(maxBytes);
                throw failure;
            }
            digest.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0; // every byte must be hashed, so nobody may skip past them
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    ProblemException failure() {
        return failure;
    }
}
