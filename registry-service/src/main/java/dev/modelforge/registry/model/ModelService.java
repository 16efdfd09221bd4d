package dev.modelforge.registry.model;

import dev.modelforge.api.model.ModelNames;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.ownership.OwnershipGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Model creation and lookup rules shared by the model endpoints and the upload path. */
@ApplicationScoped
public class ModelService {
    private static final int MAX_TAGS = 50;
    /** Descriptions are shown in every listing; a page of text is plenty. */
    static final int MAX_DESCRIPTION = 4096;

    @Inject
    EntityManager em;

    @Inject
    OwnershipGuard ownership;

    /** The description, or a 400 problem if it is too long to list. */
    public static String requireDescription(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ProblemException.invalidRequest("description is " + description.length()
                    + " characters long; at most " + MAX_DESCRIPTION + " are accepted");
        }
        return description;
    }

    public static void requireValidName(String name) {
        if (!ModelNames.isValid(name)) {
            throw ProblemException.invalidModelName(name);
        }
    }

    /** The model, or a 404 problem. */
    public Model require(String name) {
        requireValidName(name);
        return Model.findByName(name).orElseThrow(() -> ProblemException.modelNotFound(name));
    }

    /** The model locked for update (serialises changes to it across replicas), or a 404 problem. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Model lock(String name) {
        requireValidName(name);
        return Model.lockByName(name).orElseThrow(() -> ProblemException.modelNotFound(name));
    }

    /** Creates a model; the creator's team owns it. */
    @Transactional
    public Model create(String name, String description, List<String> tags, Actor creator) {
        requireValidName(name);
        if (Model.findByName(name).isPresent()) {
            throw ProblemException.modelExists(name);
        }
        var m = new Model();
        m.name = name;
        m.description = requireDescription(description);
        m.tags = normalizeTags(tags);
        m.owner = creator.team();
        m.createdAt = m.updatedAt = Instant.now();
        m.persist();
        ownership.claim(m, creator);
        return m;
    }

    /**
     * The model locked for update, created first if missing (an upload hook needs one call); the uploader's team owns
     * a model it creates, and must own one that exists. The insert ignores a concurrent creator's row, so of two first
     * uploads of a new model one creates it and the other adds to it if it may.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Model lockOrCreate(String name, Actor uploader) {
        requireValidName(name);
        int created = em.createNativeQuery("""
                insert into model (name, owner, tags, created_at, updated_at)
                values (:name, :owner, '{}', now(), now()) on conflict (name) do nothing""")
                .setParameter("name", name).setParameter("owner", uploader.team()).executeUpdate();
        Model m = Model.lockByName(name).orElseThrow();
        if (created == 1) {
            ownership.claim(m, uploader);
        } else {
            ownership.requireOwner(m, uploader);
        }
        return m;
    }

    public static List<String> normalizeTags(List<String> tags) {
        if (tags == null) {
            return new ArrayList<>();
        }
        var set = new LinkedHashSet<String>();
        for (String t : tags) {
            if (t == null || t.isBlank() || t.length() > 64) {
                throw ProblemException.invalidRequest("tags must be 1-64 characters, got '" + t + "'");
            }
            set.add(t.trim());
        }
        if (set.size() > MAX_TAGS) {
            throw ProblemException.invalidRequest("at most " + MAX_TAGS + " tags");
        }
        return new ArrayList<>(set);
    }
}
