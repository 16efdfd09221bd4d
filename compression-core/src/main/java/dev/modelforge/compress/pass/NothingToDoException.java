package dev.modelforge.compress.pass;

/**
 * The pass found nothing to change (no eligible weights, already quantized, ...). Callers treat it
 * as a clean refusal: no variant is produced, and that is not an error of the tool.
 */
public class NothingToDoException extends PassException {
    public NothingToDoException(String pass, String message) {
        super(pass, message);
    }
}
