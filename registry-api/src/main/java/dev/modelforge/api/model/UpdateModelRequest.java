package dev.modelforge.api.model;

import java.util.List;

/**
 * Body of {@code PATCH /api/v1/models/{name}}; null fields are left unchanged.
 *
 * @param description new description, or null to keep
 * @param tags        new tag set (replaces the old one), or null to keep
 */
public record UpdateModelRequest(String description, List<String> tags) {
}
