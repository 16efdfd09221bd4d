package dev.modelforge.worker.benchmark.measure;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON both sides of the parent/child protocol use; one line on stdout after {@link #MARKER}. */
final class ChildJson {

    /** Prefix of the result line; anything else the child prints (runtime logs) is ignored. */
    static final String MARKER = "MODELFORGE_BENCHMARK_RESULT ";

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ChildJson() {
    }
}
