package dev.modelforge.registry.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.ProfileRevision;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Reads and changes device profiles. Every change appends a revision row in the same transaction, so the history
 * is exactly the sequence of committed profiles.
 */
@ApplicationScoped
public class DeviceProfileService {

    @Inject
    jakarta.enterprise.event.Event<ProfileChanged> changed;

    /** Result of a PUT: whether the profile was new, and what is stored now. */
    public record Saved(boolean created, DeviceProfile profile) {
    }

    @Inject
    ObjectMapper json;

    public List<DeviceProfile> list() {
        return DeviceProfileEntity.<DeviceProfileEntity>list("order by name").stream().map(this::toApi).toList();
    }

    /** Profiles the planner compresses for. */
    public List<DeviceProfile> active() {
        return DeviceProfileEntity.listActive().stream().map(this::toApi).toList();
    }

    public DeviceProfile get(String name) {
        return find(name).orElseThrow(() -> ProfileProblems.notFound(name));
    }

    public Optional<DeviceProfile> find(String name) {
        return DeviceProfileEntity.<DeviceProfileEntity>findByIdOptional(name).map(this::toApi);
    }

    @Transactional
    public Saved put(String name, DeviceProfile body, String actor) {
        List<String> problems = ProfileValidator.problems(name, body);
        if (!problems.isEmpty()) {
            throw ProfileProblems.invalid(problems);
        }
        DeviceProfileEntity entity = DeviceProfileEntity.findById(name, LockModeType.PESSIMISTIC_WRITE);
        boolean created = entity == null;
        if (created) {
            entity = new DeviceProfileEntity();
            entity.name = name;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        entity.revision = DeviceProfileRevisionEntity.lastRevision(name) + 1;
        entity.active = body.active();
        entity.updatedAt = now;
        entity.updatedBy = actor;
        entity.spec = write(normalized(name, body, entity.revision, now));
        if (created) {
            entity.persist();
        }
        appendRevision(name, entity.revision, entity.spec, false, actor, now);
        return new Saved(created, toApi(entity));
    }

    @Transactional
    public void delete(String name, String actor) {
        DeviceProfileEntity entity = DeviceProfileEntity.findById(name, LockModeType.PESSIMISTIC_WRITE);
        if (entity == null) {
            throw ProfileProblems.notFound(name);
        }
        int revision = DeviceProfileRevisionEntity.lastRevision(name) + 1;
        entity.delete();
        appendRevision(name, revision, null, true, actor, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    public List<ProfileRevision> history(String name) {
        List<DeviceProfileRevisionEntity> rows = DeviceProfileRevisionEntity.history(name);
        if (rows.isEmpty()) {
            throw ProfileProblems.notFound(name);
        }
        return rows.stream().map(r -> new ProfileRevision(r.revision, r.changedBy, r.changedAt, r.deleted,
                r.spec == null ? null : read(r.spec))).toList();
    }

    private void appendRevision(String name, int revision, String spec, boolean deleted, String actor, Instant at) {
        changed.fire(new ProfileChanged(name));
        DeviceProfileRevisionEntity row = new DeviceProfileRevisionEntity();
        row.name = name;
        row.revision = revision;
        row.spec = spec;
        row.deleted = deleted;
        row.changedBy = actor;
        row.changedAt = at;
        row.persist();
    }

    private static DeviceProfile normalized(String name, DeviceProfile p, int revision, Instant at) {
        return new DeviceProfile(name, p.description(), p.active(), p.hardware(), p.runtime(), p.limits(),
                p.recipes(), p.policy(), revision, at);
    }

    private DeviceProfile toApi(DeviceProfileEntity e) {
        return read(e.spec);
    }

    private DeviceProfile read(String spec) {
        try {
            return json.readValue(spec, DeviceProfile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored device profile is not readable", e);
        }
    }

    private String write(DeviceProfile p) {
        try {
            return json.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("device profile cannot be serialized", e);
        }
    }
}
