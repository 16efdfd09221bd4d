package dev.modelforge.api.promotion;

/**
 * Optional body of {@code POST /api/v1/promotions/{id}/approve} and {@code /reject}.
 *
 * @param comment free text for the audit log, may be null
 */
public record ReviewRequest(String comment) {
}
