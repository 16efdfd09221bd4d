package dev.modelforge.compress.pass;

/** A pass refused a model; the message says why and, where possible, what to change. */
public class PassException extends Exception {
    private final String pass;

    public PassException(String pass, String message) {
        super(pass + ": " + message);
        this.pass = pass;
    }

    public PassException(String pass, String message, Throwable cause) {
        super(pass + ": " + message, cause);
        this.pass = pass;
    }

    /** The pass that refused. */
    public String pass() {
        return pass;
    }
}
