package dev.modelforge.localstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Services the user already runs, named by {@code MODELFORGE_*} variables. Each one that is set
 * replaces the embedded counterpart; the others are still started locally.
 */
public record ExternalServices(Optional<Database> database, Optional<String> kafkaBootstrap,
                               Optional<ObjectStore> objectStore) {

    public static final String DB_URL = "MODELFORGE_DB_URL";
    public static final String DB_USER = "MODELFORGE_DB_USER";
    public static final String DB_PASSWORD = "MODELFORGE_DB_PASSWORD";
    public static final String KAFKA_BOOTSTRAP = "MODELFORGE_KAFKA_BOOTSTRAP";
    public static final String S3_ENDPOINT = "MODELFORGE_S3_ENDPOINT";
    public static final String S3_ACCESS_KEY = "MODELFORGE_S3_ACCESS_KEY";
    public static final String S3_SECRET_KEY = "MODELFORGE_S3_SECRET_KEY";

    /** A PostgreSQL database reachable over JDBC. */
    public record Database(String jdbcUrl, String username, String password) {
    }

    /** An S3-compatible endpoint with its credentials. */
    public record ObjectStore(String endpoint, String accessKey, String secretKey) {
    }

    public static ExternalServices none() {
        return new ExternalServices(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Reads the variables; a half-configured service is an error rather than a silent fallback. */
    public static ExternalServices from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Optional<Database> database = Optional.empty();
        String dbUrl = value(env, DB_URL);
        if (dbUrl != null) {
            String user = value(env, DB_USER);
            if (user == null) {
                problems.add(DB_URL + " is set, so " + DB_USER + " (and usually " + DB_PASSWORD + ") must be set too");
            }
            String password = env.getOrDefault(DB_PASSWORD, "");
            database = Optional.of(new Database(dbUrl, user, password));
        } else if (value(env, DB_USER) != null || value(env, DB_PASSWORD) != null) {
            problems.add(DB_USER + "/" + DB_PASSWORD + " are set but " + DB_URL + " is not");
        }
        Optional<ObjectStore> store = Optional.empty();
        String endpoint = value(env, S3_ENDPOINT);
        if (endpoint != null) {
            String access = value(env, S3_ACCESS_KEY);
            String secret = value(env, S3_SECRET_KEY);
            if (access == null || secret == null) {
                problems.add(S3_ENDPOINT + " is set, so " + S3_ACCESS_KEY + " and " + S3_SECRET_KEY + " must be set too");
            }
            store = Optional.of(new ObjectStore(endpoint, access, secret));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Incomplete external service configuration: " + String.join("; ", problems));
        }
        return new ExternalServices(database, Optional.ofNullable(value(env, KAFKA_BOOTSTRAP)), store);
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
