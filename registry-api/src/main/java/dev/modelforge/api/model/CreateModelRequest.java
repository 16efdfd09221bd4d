package dev.modelforge.api.model;

import java.util.List;

/**
 * Body of {@code POST /api/v1/models}.
 *
 * @param name        unique name, see {@link ModelNames}
 * @param description free text, may be null
 * @param tags        labels for filtering, may be null
 */
public record CreateModelRequest(String name, String description, List<String> tags) {
}
