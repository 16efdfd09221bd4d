package dev.modelforge.registry.ui;

import dev.modelforge.registry.auth.ApiKey;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Console sessions: an API key exchanged for a random session id (only its hash is stored) with an expiry and a
 * CSRF token. The key itself is never stored again nor sent back to the browser.
 */
@ApplicationScoped
public class Sessions {
    /** The session cookie's name. */
    public static final String COOKIE = "mf_session";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sign-in: the cookie value to set, or why the key was refused. */
    public record SignIn(String sessionId, String refusal) {
    }

    /** A live session as the console needs it: who, and the token its forms must carry. */
    public record Live(ApiKey key, String csrfToken, Instant expiresAt) {
    }

    @Inject
    UiConfig config;

    @Transactional
    public SignIn signIn(String secret) {
        if (secret == null || secret.isBlank()) {
            return new SignIn(null, "Enter an API key.");
        }
        String hash = ApiKey.hash(secret.trim());
        Instant now = Instant.now();
        Optional<ApiKey> key = ApiKey.findActiveByHash(hash, now);
        if (key.isEmpty()) {
            return new SignIn(null, whyRefused(hash, now));
        }
        String id = random();
        var s = new UiSession();
        s.idHash = ApiKey.hash(id);
        s.apiKey = key.get();
        s.csrfToken = random();
        s.createdAt = Instant.now();
        s.expiresAt = s.createdAt.plus(config.sessionTtl());
        s.persist();
        return new SignIn(id, null);
    }

    /** The session behind a cookie value, if it exists, has not expired and its key is still active. */
    @Transactional
    public Optional<Live> find(String sessionId) {
        if (sessionId == null || sessionId.isBlank()) {
            return Optional.empty();
        }
        UiSession s = UiSession.findById(ApiKey.hash(sessionId));
        Instant now = Instant.now();
        if (s == null || s.expiresAt.isBefore(now) || s.apiKey.revokedAt != null
                || (s.apiKey.expiresAt != null && !s.apiKey.expiresAt.isAfter(now))) {
            return Optional.empty();
        }
        return Optional.of(new Live(s.apiKey, s.csrfToken, s.expiresAt));
    }

    /** What to tell a person whose key does not sign in, so they know what to fix. */
    private static String whyRefused(String hash, Instant now) {
        Optional<ApiKey> known = ApiKey.find("keyHash = ?1 or previousKeyHash = ?1", hash).firstResultOptional();
        if (known.isEmpty()) {
            return "Unknown API key: check that you copied the whole key (it starts with mf_).";
        }
        ApiKey k = known.get();
        if (k.revokedAt != null) {
            return "This API key was revoked at " + k.revokedAt + "; ask an admin for a new one.";
        }
        if (k.expiresAt != null && !k.expiresAt.isAfter(now)) {
            return "This API key expired at " + k.expiresAt + "; ask an admin for a new one.";
        }
        return "This API key was rotated and its old secret stopped working at " + k.previousValidUntil
                + "; use the new secret.";
    }

    @Transactional
    public void signOut(String sessionId) {
        if (sessionId != null && !sessionId.isBlank()) {
            UiSession.deleteById(ApiKey.hash(sessionId));
        }
    }

    /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
    public static boolean csrfMatches(Live session, String sent) {
        return sent != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.UTF_8),
                sent.getBytes(StandardCharsets.UTF_8));
    }

    @Scheduled(every = "1h", delayed = "1m")
    @Transactional
    void purgeExpired() {
        UiSession.delete("expiresAt < ?1", Instant.now());
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
