package dev.modelforge.api.auth;

/**
 * Answer to key creation; the only time the plaintext key is shown.
 *
 * @param key    the stored description
 * @param secret the plaintext key, to send as {@code Authorization: Bearer <secret>}
 */
public record ApiKeyCreated(ApiKeyDto key, String secret) {
}
