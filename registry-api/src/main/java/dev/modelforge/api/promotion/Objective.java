package dev.modelforge.api.promotion;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A metric a promotion policy ranks candidates by. A policy lists them in priority order and compares
 * lexicographically: the second metric only decides between candidates tied on the first.
 */
public enum Objective {
    /** median (p50) latency at batch 1 on the profile, the stablest latency statistic; lower wins. */
    LATENCY,
    /** artifact size in bytes; lower wins. */
    SIZE,
    /** peak resident memory while serving; lower wins. */
    MEMORY,
    /** accuracy (or fidelity) on the version's evaluation set; higher wins. */
    ACCURACY;

    /** The JSON spelling, lower case. */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON spelling, case-insensitively, naming the valid values when it fails. */
    @JsonCreator
    public static Objective parse(String value) {
        for (Objective o : values()) {
            if (o.name().equalsIgnoreCase(value)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown objective '" + value + "'; expected one of "
                + Arrays.stream(values()).map(Objective::json).collect(Collectors.joining(", ")));
    }
}
