package dev.modelforge.compress.pass;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated, defaulted parameters of one pass invocation. Every declared parameter has a
 * value; lookups of undeclared names fail loudly (a typo in a pass is a bug, not a default).
 */
public final class PassParams {
    private final String pass;
    private final Map<String, Object> values;

    private PassParams(String pass, Map<String, Object> values) {
        this.pass = pass;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Checks {@code raw} against {@code pass.parameters()} and fills defaults.
     *
     * @throws InvalidParamException for an unknown name or a bad value
     */
    public static PassParams resolve(Pass pass, Map<String, ?> raw) throws InvalidParamException {
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        pass.parameters().forEach(s -> specs.put(s.name(), s));
        for (String k : raw.keySet()) {
            if (!specs.containsKey(k)) {
                throw new InvalidParamException(pass.name(), k, "unknown parameter", pass.parameters());
            }
        }
        Map<String, Object> out = new TreeMap<>();
        for (ParamSpec s : specs.values()) {
            Object v = s.defaultValue();
            if (raw.containsKey(s.name())) {
                try {
                    v = s.parse(raw.get(s.name()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidParamException(pass.name(), s.name(), e.getMessage(), pass.parameters());
                }
            }
            out.put(s.name(), v);
        }
        return new PassParams(pass.name(), out);
    }

    /** No parameters (a context shared by steps, before each step's own are set). */
    public static PassParams none() {
        return new PassParams("none", new TreeMap<>());
    }

    /** Defaults only. */
    public static PassParams defaults(Pass pass) {
        try {
            return resolve(pass, Map.of());
        } catch (InvalidParamException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    public long integer(String name) {
        return ((Number) get(name)).longValue();
    }

    public double number(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public String string(String name) {
        return (String) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> stringList(String name) {
        return (List<String>) get(name);
    }

    /** All values, sorted by name (what reports record). */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException(pass + " has no parameter " + name);
        }
        return values.get(name);
    }

    @Override
    public String toString() {
        return pass + values;
    }
}
