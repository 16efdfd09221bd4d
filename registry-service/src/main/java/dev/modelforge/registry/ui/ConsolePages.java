package dev.modelforge.registry.ui;

import dev.modelforge.api.variant.Variant;
import dev.modelforge.registry.auth.Roles;
import dev.modelforge.registry.error.ProblemException;
import dev.modelforge.registry.storage.ObjectStorage;
import dev.modelforge.registry.ui.Views.ModelView;
import dev.modelforge.registry.ui.Views.ModelsView;
import dev.modelforge.registry.ui.Views.ProfileView;
import dev.modelforge.registry.ui.Views.ProfilesView;
import dev.modelforge.registry.ui.Views.Progress;
import dev.modelforge.registry.ui.Views.VersionView;
import dev.modelforge.registry.variant.VariantResource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The console's pages (role reader; the actions a page offers depend on the key's role). */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
public class ConsolePages {

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance models(ModelsView view);

        static native TemplateInstance model(ModelView view);

        static native TemplateInstance version(VersionView view, String progressHtml);

        static native TemplateInstance progress(Progress progress);

        static native TemplateInstance profiles(ProfilesView view);

        static native TemplateInstance profile(ProfileView view);
    }

    @Inject
    SecurityIdentity identity;

    @Inject
    Console console;

    @Inject
    ModelViews models;

    @Inject
    VersionViews versions;

    @Inject
    VariantResource variants;

    @Inject
    ObjectStorage storage;

    @GET
    @RolesAllowed(Roles.READER)
    public TemplateInstance models(@QueryParam("q") String q, @QueryParam("tag") String tag) {
        return Templates.models(models.list(console.chrome(identity), q, tag));
    }

    @GET
    @Path("models/{name}")
    @RolesAllowed(Roles.READER)
    public TemplateInstance model(@PathParam("name") String name, @QueryParam("flash") String flash,
                                  @QueryParam("error") String error) {
        return Templates.model(models.model(console.chrome(identity), name, flash, error));
    }

    @GET
    @Path("models/{name}/versions/{version}")
    @RolesAllowed(Roles.READER)
    public TemplateInstance version(@PathParam("name") String name, @PathParam("version") int version) {
        VersionView view = versions.version(console.chrome(identity), name, version);
        return Templates.version(view, Templates.progress(view.progress()).render());
    }

    @GET
    @Path("profiles")
    @RolesAllowed(Roles.READER)
    public TemplateInstance profiles() {
        return Templates.profiles(versions.profiles(console.chrome(identity)));
    }

    @GET
    @Path("profiles/{name}")
    @RolesAllowed(Roles.READER)
    public TemplateInstance profile(@PathParam("name") String name) {
        return Templates.profile(versions.profile(console.chrome(identity), name));
    }

    /** A browser link cannot send a bearer key, so the console signs the download itself (role reader). */
    @GET
    @Path("variants/{id}/download")
    @RolesAllowed(Roles.READER)
    public Response download(@PathParam("id") String id) {
        Variant v = variants.get(id);
        String file = v.modelName() + "-v" + v.version() + "-"
                + v.recipe().label().replaceAll("[^A-Za-z0-9._-]+", "_") + ".onnx";
        return Response.seeOther(URI.create(storage.presignedGet(v.storageKey(), file))).build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    Response signIn(RuntimeException e) {
        return console.toLogin(e instanceof AuthenticationFailedException ? "expired" : null);
    }

    @ServerExceptionMapper
    Response forbidden(ForbiddenException e) {
        return console.forbidden(identity, e);
    }

    @ServerExceptionMapper
    Response problem(ProblemException e) {
        return console.problem(identity, e);
    }
}
