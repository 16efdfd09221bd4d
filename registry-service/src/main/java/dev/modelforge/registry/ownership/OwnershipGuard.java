package dev.modelforge.registry.ownership;

import dev.modelforge.api.problem.ProblemTypes;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.model.Model;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * The one place that decides whether a caller may change a model: admin keys may change every model; any other key
 * only models its team owns. Roles are checked before, on the resource ({@code @RolesAllowed}); this guard adds the
 * "which model" half. Who owns what: {@code model_owner}, team names; the team that first creates a model owns it.
 *
 * <p>Resources call it before they read a body; the upload path calls it again under the model's row lock, so a
 * model created by another team between the two checks is still refused.
 */
@ApplicationScoped
public class OwnershipGuard {

    /** Refuses (403 {@code not-owner}) unless the actor is admin or its team owns the model. */
    @Transactional
    public void requireOwner(Model model, Actor actor) {
        if (actor.admin() || ModelOwner.owns(model, actor.team())) {
            return;
        }
        throw new ProblemException(403, ProblemTypes.NOT_OWNER, "Not an owner",
                "model '" + model.name + "' is owned by " + ModelOwner.teams(model) + "; key " + actor.id()
                        + " acts for team '" + actor.team() + "', which may read it but not change it."
                        + " An owner or an admin can add the team: POST /api/v1/models/" + model.name + "/owners");
    }

    /** An upload may create the model (its team then owns it) or add to one its team owns. */
    @Transactional
    public void requireMayUpload(String modelName, Actor actor) {
        Model.findByName(modelName).ifPresent(m -> requireOwner(m, actor));
    }

    /** Makes the creator's team the first owner of a model it just created. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void claim(Model model, Actor actor) {
        add(model, actor.team(), actor);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    List<String> add(Model model, String team, Actor actor) {
        if (!ModelOwner.owns(model, team)) {
            var o = new ModelOwner();
            o.model = model;
            o.team = team;
            o.addedBy = actor.id();
            o.addedAt = Instant.now();
            o.persist();
        }
        return ModelOwner.teams(model);
    }

    /** Removes an owning team; the last one cannot go (409 {@code last-owner}), nobody could change the model. */
    @Transactional(Transactional.TxType.MANDATORY)
    List<String> remove(Model model, String team) {
        List<String> teams = ModelOwner.teams(model);
        if (!teams.contains(team)) {
            throw new ProblemException(404, ProblemTypes.NOT_FOUND, "Not an owner",
                    "team '" + team + "' does not own model '" + model.name + "' (owners: " + teams + ")");
        }
        if (teams.size() == 1) {
            throw new ProblemException(409, ProblemTypes.LAST_OWNER, "Last owner",
                    "team '" + team + "' is the last owner of model '" + model.name
                            + "'; add another owner before removing it");
        }
        ModelOwner.delete("model = ?1 and team = ?2", model, team);
        return ModelOwner.teams(model);
    }

    public List<String> owners(Model model) {
        return ModelOwner.teams(model);
    }
}
