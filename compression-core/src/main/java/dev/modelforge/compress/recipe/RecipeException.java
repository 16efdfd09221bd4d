package dev.modelforge.compress.recipe;

/**
 * A recipe that cannot run: malformed JSON, an unknown pass or parameter, a bad value. The message
 * names the pass and parameter and lists the valid choices.
 */
public class RecipeException extends Exception {
    public RecipeException(String message) {
        super(message);
    }

    public RecipeException(String message, Throwable cause) {
        super(message, cause);
    }
}
