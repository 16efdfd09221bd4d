package dev.modelforge.localstack;

import java.time.Duration;

/**
 * How long each part of the stack took to become ready; {@link Duration#ZERO} for a part served
 * externally. Parts start concurrently, so {@code total} is less than their sum.
 */
public record StartupTimings(Duration postgres, Duration kafka, Duration s3, Duration total) {

    @Override
    public String toString() {
        return "postgres=" + postgres.toMillis() + "ms kafka=" + kafka.toMillis() + "ms s3=" + s3.toMillis()
                + "ms total=" + total.toMillis() + "ms";
    }
}
