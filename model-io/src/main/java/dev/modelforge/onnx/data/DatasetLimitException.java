package dev.modelforge.onnx.data;

/**
 * A dataset whose decoded arrays, headers, shapes and archive entries together pass the byte budget the
 * caller allowed (see {@link EvalDataset#load(java.nio.file.Path, dev.modelforge.onnx.ModelSignature, long)}).
 */
public class DatasetLimitException extends DatasetFormatException {
    private final long limitBytes;

    /**
     * @param message    what passed the budget
     * @param limitBytes the budget
     */
    public DatasetLimitException(String message, long limitBytes) {
        super(message);
        this.limitBytes = limitBytes;
    }

    /** The byte budget that was passed. */
    public long limitBytes() {
        return limitBytes;
    }
}
