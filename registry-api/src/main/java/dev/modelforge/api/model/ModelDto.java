package dev.modelforge.api.model;

import java.time.Instant;
import java.util.List;

/**
 * A registered model.
 *
 * @param id            numeric id; also the Kafka key of its events
 * @param name          unique name
 * @param description   free text, may be null
 * @param owner         the team that created it (owners: {@code GET /api/v1/models/{name}/owners})
 * @param tags          labels
 * @param latestVersion highest version number, 0 if none
 * @param createdAt     creation time
 * @param updatedAt     last change
 */
public record ModelDto(long id, String name, String description, String owner, List<String> tags,
                       int latestVersion, Instant createdAt, Instant updatedAt) {
}
