package dev.modelforge.onnx.data;

/**
 * A dataset that reads and fits the signature but can never be evaluated: NaN or infinite values, arrays
 * with no elements, or archive entries whose names climb out of the archive. The message names the array
 * or entry.
 */
public class UnusableDatasetException extends DatasetMismatchException {
    /** @param message which array or entry, and what is wrong with it */
    public UnusableDatasetException(String message) {
        super(message);
    }
}
