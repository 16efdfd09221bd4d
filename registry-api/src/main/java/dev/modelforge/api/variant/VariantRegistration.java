package dev.modelforge.api.variant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelforge.api.job.StoredObject;

/**
 * Body of {@code POST /api/v1/jobs/{id}/variant}: the worker stored the variant and asks the registry to record it.
 *
 * <p>Idempotent on (model version, recipe hash, tool version): registering the same result twice (a redelivered job,
 * a retried HTTP call) answers the variant that exists and creates nothing.
 *
 * @param workerId    the worker reporting
 * @param toolVersion compression-core version that produced the bytes
 * @param artifact    where the bytes are (content-addressed key {@code sha256/<hex>})
 * @param report      the compression report JSON
 */
public record VariantRegistration(String workerId, String toolVersion, StoredObject artifact, JsonNode report) {
}
