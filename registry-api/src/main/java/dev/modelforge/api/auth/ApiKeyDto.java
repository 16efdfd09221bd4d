package dev.modelforge.api.auth;

import java.time.Instant;

/**
 * An API key as the registry stores it: never the key itself.
 *
 * @param id        id
 * @param name      label
 * @param prefix    first characters of the key, to recognise it
 * @param role      granted role
 * @param createdAt creation time
 */
public record ApiKeyDto(long id, String name, String prefix, Role role, Instant createdAt) {
}
