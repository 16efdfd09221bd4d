package dev.modelforge.onnx.data;

/**
 * A readable dataset that does not fit the model's signature: a graph input is missing, or an
 * array has the wrong dtype, rank, dimension or sample count. The message names the array, the
 * dimension and what the graph expects.
 */
public class DatasetMismatchException extends DatasetException {

    /** @param message which array/dim is wrong and what the graph expects */
    public DatasetMismatchException(String message) {
        super(message);
    }
}
