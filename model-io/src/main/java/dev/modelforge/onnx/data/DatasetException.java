package dev.modelforge.onnx.data;

/** Base of the dataset errors; the message always says which file/array is wrong and how. */
public class DatasetException extends RuntimeException {

    /** @param message what is wrong and where */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and where
     * @param cause   the underlying failure
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
