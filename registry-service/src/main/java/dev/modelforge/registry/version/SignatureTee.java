package dev.modelforge.registry.version;

import dev.modelforge.onnx.InvalidOnnxException;
import dev.modelforge.onnx.ModelLimits;
import dev.modelforge.onnx.ModelSignature;
import dev.modelforge.onnx.SignatureReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Lets the signature parser (the upload's structural check, {@link SignatureReader#validateSingleFile}) read the same bytes that stream to storage, in one pass: every chunk read
 * through this stream is also written into a bounded pipe that {@link SignatureReader} consumes on
 * another thread. Memory stays at the pipe's buffer; the upload never has to be read twice.
 *
 * <p>When the parser rejects the bytes it closes its end; the next read here then fails, which aborts the
 * storage upload early instead of streaming gigabytes of a file we will refuse.
 */
final class SignatureTee extends FilterInputStream {
    private static final int PIPE_BYTES = 1 << 20;

    private final BytePipe toParser;
    private final Future<SignatureReader.DirectoryModel> parsed;
    private boolean parserGone;

    SignatureTee(InputStream in, ExecutorService parserThreads, ModelLimits limits) {
        this(in, parserThreads, limits, false);
    }

    /**
     * @param directory the {@code model.onnx} of a model directory: external-data references are collected
     *                  ({@link #references()}) instead of refused
     */
    SignatureTee(InputStream in, ExecutorService parserThreads, ModelLimits limits, boolean directory) {
        super(in);
        toParser = new BytePipe(PIPE_BYTES);
        InputStream parserIn = toParser.reader();
        parsed = parserThreads.submit(() -> {
            try (parserIn) {
                return directory ? SignatureReader.validateDirectoryModel(parserIn, limits)
                        : new SignatureReader.DirectoryModel(SignatureReader.validateSingleFile(parserIn, limits),
                                java.util.List.of());
            }
        });
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
        if (n < 0) {
            closePipe();
        } else if (n > 0 && !parserGone) {
            try {
                if (!toParser.write(b, off, n)) {
                    parserGone = true;
                    if (failure() != null) {
                        throw new IOException("upload aborted: not a usable ONNX model");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * Ends the parser's input and waits for its verdict.
     *
     * @throws InvalidOnnxException if the bytes are not a usable ONNX model
     */
    ModelSignature signature() {
        return checked().signature();
    }

    /** The model's external-data references (empty for a single-file upload); waits like {@link #signature()}. */
    java.util.List<dev.modelforge.onnx.ExternalData.TensorRef> references() {
        return checked().references();
    }

    private SignatureReader.DirectoryModel checked() {
        closePipe();
        try {
            return parsed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the ONNX signature", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The parser's failure if it already failed, else null; never blocks. */
    RuntimeException failure() {
        if (!parsed.isDone()) {
            return null;
        }
        try {
            parsed.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Releases the parser thread whatever happened to the upload. */
    void abandon() {
        closePipe();
        parsed.cancel(true);
    }

    private void closePipe() {
        toParser.closeWriter();
    }
}
