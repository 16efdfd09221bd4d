package dev.modelforge.compress.pass;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Declares one pass parameter: its name, type, default, and for {@link ParamType#CHOICE} the allowed
 * values (for INTEGER/NUMBER optionally allowed values or a range). {@link #parse(Object)} turns a
 * JSON value or a {@code --param key=value} string into the typed value, or says what is wrong.
 *
 * @param name         the key used in recipes
 * @param type         the value kind
 * @param defaultValue the value when the recipe omits it (Boolean, Long, Double, String or List)
 * @param allowed      allowed values as strings (empty = any value of the type)
 * @param min          inclusive lower bound for numbers (null = none)
 * @param max          inclusive upper bound for numbers (null = none)
 * @param description  one line for help and errors
 */
public record ParamSpec(String name, ParamType type, Object defaultValue, List<String> allowed,
                        Double min, Double max, String description) {
    public ParamSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        allowed = List.copyOf(allowed);
    }

    public static ParamSpec bool(String name, boolean dflt, String description) {
        return new ParamSpec(name, ParamType.BOOLEAN, dflt, List.of(), null, null, description);
    }

    public static ParamSpec integer(String name, long dflt, long min, long max, String description) {
        return new ParamSpec(name, ParamType.INTEGER, dflt, List.of(), (double) min, (double) max, description);
    }

    /** An integer restricted to a set of values (e.g. block sizes 32/64/128). */
    public static ParamSpec integerOneOf(String name, long dflt, List<Long> values, String description) {
        return new ParamSpec(name, ParamType.INTEGER, dflt, values.stream().map(String::valueOf).toList(),
                null, null, description);
    }

    public static ParamSpec number(String name, double dflt, double min, double max, String description) {
        return new ParamSpec(name, ParamType.NUMBER, dflt, List.of(), min, max, description);
    }

    public static ParamSpec choice(String name, String dflt, List<String> values, String description) {
        return new ParamSpec(name, ParamType.CHOICE, dflt, values, null, null, description);
    }

    public static ParamSpec string(String name, String dflt, String description) {
        return new ParamSpec(name, ParamType.STRING, dflt, List.of(), null, null, description);
    }

    public static ParamSpec stringList(String name, String description) {
        return new ParamSpec(name, ParamType.STRING_LIST, List.of(), List.of(), null, null, description);
    }

    /**
     * Converts a raw value (from JSON: Boolean/Number/String/List; from the command line: String)
     * to the typed value.
     *
     * @throws IllegalArgumentException naming the expected type or allowed values
     */
    public Object parse(Object raw) {
        Object v = switch (type) {
            case BOOLEAN -> parseBoolean(raw);
            case INTEGER -> parseInteger(raw);
            case NUMBER -> parseNumber(raw);
            case STRING, CHOICE -> {
                if (!(raw instanceof String s)) {
                    throw new IllegalArgumentException("expected a string, got " + raw);
                }
                yield s;
            }
            case STRING_LIST -> parseList(raw);
        };
        if (!allowed.isEmpty() && !allowed.contains(String.valueOf(v))) {
            throw new IllegalArgumentException("'" + raw + "' is not one of " + allowed);
        }
        if (v instanceof Number n && (min != null && n.doubleValue() < min || max != null && n.doubleValue() > max)) {
            throw new IllegalArgumentException(raw + " is outside [" + fmt(min) + ", " + fmt(max) + "]");
        }
        return v;
    }

    /** A short human form, e.g. {@code blockSize (INTEGER, default 32, one of [32, 64, 128])}. */
    public String summary() {
        String s = name + " (" + type.name().toLowerCase() + ", default " + defaultValue;
        if (!allowed.isEmpty()) {
            s += ", one of " + allowed;
        } else if (min != null || max != null) {
            s += ", range [" + fmt(min) + ", " + fmt(max) + "]";
        }
        return s + ")";
    }

    private static String fmt(Double d) {
        if (d == null) {
            return "";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }

    private static Boolean parseBoolean(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("expected true or false, got " + raw);
    }

    private static Long parseInteger(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        if (raw instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("expected an integer, got " + raw);
    }

    private static Double parseNumber(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("expected a number, got " + raw);
    }

    private static List<String> parseList(Object raw) {
        if (raw instanceof Collection<?> c) {
            List<String> out = new ArrayList<>();
            for (Object o : c) {
                if (!(o instanceof String s)) {
                    throw new IllegalArgumentException("expected a list of strings, got element " + o);
                }
                out.add(s);
            }
            return List.copyOf(out);
        }
        if (raw instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.split("\\s*,\\s*"));
        }
        throw new IllegalArgumentException("expected a list of strings, got " + raw);
    }
}
