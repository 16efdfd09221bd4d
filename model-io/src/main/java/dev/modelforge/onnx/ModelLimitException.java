package dev.modelforge.onnx;

/**
 * A model was refused because it passes one of the {@link ModelLimits}. {@link #limitKey()} is the cap's
 * key (e.g. {@code max-graph-inputs}), so a service can name the setting that raises it.
 */
public class ModelLimitException extends InvalidOnnxException {
    private final String limitKey;
    private final long limit;

    /**
     * @param reason   {@link Reason#LIMIT_EXCEEDED} for size caps, {@link Reason#UNRUNNABLE} for opsets
     * @param limitKey the cap's key
     * @param limit    the cap's value
     * @param message  what passed the cap, in words a user can act on
     */
    public ModelLimitException(Reason reason, String limitKey, long limit, String message) {
        super(reason, message);
        this.limitKey = limitKey;
        this.limit = limit;
    }

    /** The cap's key, e.g. {@code max-graph-inputs}. */
    public String limitKey() {
        return limitKey;
    }

    /** The cap's value. */
    public long limit() {
        return limit;
    }
}
