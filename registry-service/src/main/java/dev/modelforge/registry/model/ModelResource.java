package dev.modelforge.registry.model;

import dev.modelforge.api.model.CreateModelRequest;
import dev.modelforge.api.model.ModelDto;
import dev.modelforge.api.model.PageDto;
import dev.modelforge.api.model.UpdateModelRequest;
import dev.modelforge.registry.auth.Actor;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.ownership.OwnershipGuard;
import dev.modelforge.registry.version.ModelVersion;
import dev.modelforge.registry.version.VersionRegistrar;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Models: create, list, read, update (owners only: {@link OwnershipGuard}). Versions live in {@code version}. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ModelResource {
    private static final int MAX_PAGE_SIZE = 200;

    @Inject
    ModelService models;

    @Inject
    SecurityIdentity identity;

    @Inject
    OwnershipGuard ownership;

    @Inject
    VersionRegistrar registrar;

    @POST
    @RolesAllowed(Roles.UPLOADER)
    public Response create(CreateModelRequest request, UriInfo uri) {
        if (request == null) {
            throw ProblemException.invalidRequest("send {\"name\": \"...\", \"description\": \"...\", \"tags\": []}");
        }
        Model m = models.create(request.name(), request.description(), request.tags(), Actor.of(identity));
        return Response.created(uri.getAbsolutePathBuilder().path(m.name).build()).entity(m.toDto(0)).build();
    }

    @GET
    @RolesAllowed(Roles.READER)
    public PageDto<ModelDto> list(@QueryParam("prefix") String prefix, @QueryParam("tag") String tag,
                                  @QueryParam("page") @DefaultValue("0") int page,
                                  @QueryParam("size") @DefaultValue("50") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw ProblemException.invalidRequest("page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
        List<String> where = new ArrayList<>();
        var params = new Parameters();
        if (prefix != null && !prefix.isEmpty()) {
            where.add("name like :prefix");
            params.and("prefix", prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (tag != null && !tag.isEmpty()) {
            where.add("array_contains(tags, :tag)");
            params.and("tag", tag);
        }
        PanacheQuery<Model> q = where.isEmpty()
                ? Model.findAll(Sort.by("name"))
                : Model.find(String.join(" and ", where), Sort.by("name"), params);
        List<Model> found = q.page(Page.of(page, size)).list();
        var latest = ModelVersion.latestNumbers(found);
        List<ModelDto> items = found.stream().map(m -> m.toDto(latest.getOrDefault(m.id, 0))).toList();
        return new PageDto<>(items, page, size, q.count());
    }

    @GET
    @Path("{name}")
    @RolesAllowed(Roles.READER)
    public ModelDto get(@PathParam("name") String name) {
        Model m = models.require(name);
        return m.toDto(ModelVersion.latestNumber(m));
    }

    @PATCH
    @Path("{name}")
    @RolesAllowed(Roles.UPLOADER)
    @Transactional
    public ModelDto update(@PathParam("name") String name, UpdateModelRequest request) {
        if (request == null) {
            throw ProblemException.invalidRequest("send {\"description\": \"...\", \"tags\": [...]}");
        }
        Model m = models.lock(name);
        Actor actor = Actor.of(identity);
        ownership.requireOwner(m, actor);
        if (request.description() != null) {
            m.description = ModelService.requireDescription(request.description());
        }
        if (request.tags() != null) {
            m.tags = ModelService.normalizeTags(request.tags());
        }
        m.updatedAt = Instant.now();
        m.updatedBy = actor.id();
        return m.toDto(ModelVersion.latestNumber(m));
    }

    /**
     * Archives the model: every version of it (a promoter of an owning team, or admin). Refused with 409 while one of
     * them serves a profile; the model and its audit log stay, and a later upload starts a new version.
     */
    @DELETE
    @Path("{name}")
    @RolesAllowed(Roles.PROMOTER)
    public ModelDto archive(@PathParam("name") String name) {
        Actor actor = Actor.of(identity);
        ownership.requireOwner(models.require(name), actor);
        registrar.archiveAll(name, actor);
        return get(name);
    }
}
