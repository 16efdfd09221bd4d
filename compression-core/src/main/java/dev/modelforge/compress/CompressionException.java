package dev.modelforge.compress;

/**
 * A compression that did not produce an output, with the reason and its kind (which the CLI maps
 * to an exit code and the worker to a job status). No output file exists when this is thrown.
 */
public class CompressionException extends Exception {
    /** Why no output was produced. */
    public enum Kind {
        /** The model or a data file cannot be read or does not fit the model. */
        BAD_INPUT,
        /** The recipe is malformed or names unknown passes/parameters. */
        BAD_RECIPE,
        /** A pass found nothing to change: a clean "won't compress". */
        NOTHING_TO_DO,
        /** A pass refused the model (e.g. opset too old to upgrade safely). */
        REFUSED,
        /** The compressed model failed validation (load, run, or accuracy gate). */
        VALIDATION_FAILED,
        /** Writing the output failed. */
        IO
    }

    private final Kind kind;

    public CompressionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public CompressionException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
