package dev.modelforge.api.model;

/**
 * Body of {@code POST /api/v1/models/{name}/owners}.
 *
 * @param team team to add as an owner (a key's team, or {@code key:<id>} for a key without one)
 */
public record AddOwnerRequest(String team) {
}
