package dev.modelforge.onnx.data;

/**
 * A dataset file cannot be read: not a .npz/.npy/test-data layout, a corrupt archive, an
 * unsupported dtype, a Fortran-ordered array, a bad header.
 */
public class DatasetFormatException extends DatasetException {

    /** @param message what is wrong and where */
    public DatasetFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and where
     * @param cause   the underlying failure
     */
    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
