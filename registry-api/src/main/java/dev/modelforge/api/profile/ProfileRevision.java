package dev.modelforge.api.profile;

import java.time.Instant;

/**
 * One entry of a device profile's history: the profile as it was after a change.
 *
 * @param revision   the revision number, 1-based
 * @param changedBy  the API key name that made the change
 * @param changedAt  when
 * @param deleted    whether this revision deleted the profile
 * @param profile    the profile content at this revision ({@code null} for a deletion)
 */
public record ProfileRevision(int revision, String changedBy, Instant changedAt, boolean deleted,
                              DeviceProfile profile) {
}
