package dev.modelforge.api.model;

import java.util.regex.Pattern;

/** The one definition of a valid model name, shared by the registry and its clients. */
public final class ModelNames {
    /** Lower-case letters, digits, {@code - _ .}; starts with a letter or digit; 1 to 128 characters. */
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

    private ModelNames() {
    }

    /**
     * Tells whether {@code name} is a valid model name.
     *
     * @param name candidate, may be null
     * @return true if it matches {@link #PATTERN}
     */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * Explains why {@code name} is invalid, for error messages.
     *
     * @param name the rejected name
     * @return a sentence that says what to fix
     */
    public static String explain(String name) {
        if (name == null || name.isEmpty()) {
            return "model name is empty; use 1-128 characters of [a-z0-9._-] starting with a letter or digit";
        }
        if (name.length() > 128) {
            return "model name has " + name.length() + " characters; the maximum is 128";
        }
        return "model name '" + name + "' is invalid; use lower-case letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit";
    }
}
