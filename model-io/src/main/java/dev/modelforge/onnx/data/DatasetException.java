package dev.modelforge.onnx.data;

/** Base of the dataset errors; the message always says which file/array is wrong and how. */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
