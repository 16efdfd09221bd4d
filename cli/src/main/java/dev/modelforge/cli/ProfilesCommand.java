package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.RecipeRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge profiles [list|show NAME|apply FILE.json|delete NAME]}: the device profiles. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "Device profiles: list (default), show NAME, apply FILE.json (admin), delete NAME (admin).",
        subcommands = {ProfilesCommand.ListProfiles.class, ProfilesCommand.Show.class, ProfilesCommand.Apply.class,
                ProfilesCommand.Delete.class})
final class ProfilesCommand extends RegistryCommand {

    @Override
    public Integer call() {
        return ListProfiles.list(this);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the device profiles.")
    static final class ListProfiles extends RegistryCommand {
        @Override
        public Integer call() {
            return list(this);
        }

        static int list(RegistryCommand c) {
            List<DeviceProfile> profiles = c.registry.client().listProfiles();
            return c.print(profiles, () -> {
                var table = new Output.Table("NAME", "ACTIVE", "ARCH", "CORES", "MEMORY", "ISA", "RECIPES",
                        "POLICY", "REV");
                for (DeviceProfile p : profiles) {
                    var h = p.hardware();
                    table.row(p.name(), p.active() ? "yes" : "no", h == null ? null : h.arch()
                                    + (h.accelerator() == null ? "" : "+" + h.accelerator()), h == null ? null : h.cores(),
                            h == null || h.memoryMb() == null ? null : h.memoryMb() + " MB",
                            h == null ? null : String.join(",", h.isaFeatures()),
                            String.join(" ", p.recipes().stream().map(RecipeRef::label).toList()), policy(p),
                            p.revision());
                }
                table.print(c.out());
            });
        }

        private static String policy(DeviceProfile p) {
            if (p.policy() == null || p.policy().isNull()) {
                return null;
            }
            var objectives = p.policy().path("objectives");
            String mode = p.policy().path("mode").asText("auto");
            return mode + (objectives.isArray() && !objectives.isEmpty()
                    ? " by " + String.join(">", textValues(objectives)) : "");
        }

        private static List<String> textValues(com.fasterxml.jackson.databind.JsonNode array) {
            var values = new java.util.ArrayList<String>();
            array.forEach(n -> values.add(n.asText()));
            return values;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one profile as JSON.")
    static final class Show extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            // A profile is a nested document; JSON is its most readable form, so both modes print it.
            Output.json(out(), registry.client().getProfile(name));
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create or replace a profile from a JSON file (the shape 'profiles show' prints; needs role admin).")
    static final class Apply extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "FILE.json")
        Path file;

        @Option(names = "--name", paramLabel = "NAME", description = "Profile name (default: the file's \"name\").")
        String name;

        @Override
        public Integer call() {
            DeviceProfile profile = read(file);
            String target = name != null ? name : profile.name();
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException(file + " has no \"name\"; add one or pass --name");
            }
            RegistryClient client = registry.client();
            DeviceProfile saved = client.putProfile(target, profile);
            return print(saved, () -> out().printf("applied %s: revision %d, %s, recipes %s%n", saved.name(),
                    saved.revision(), saved.active() ? "active" : "inactive",
                    String.join(" ", saved.recipes().stream().map(RecipeRef::label).toList())));
        }

        static DeviceProfile read(Path file) {
            UploadCommand.requireReadable("FILE.json", file);
            try {
                // Strict, unlike the registry's answers: a misspelt field in a file a person wrote would
                // otherwise be dropped without a word and the profile applied without it.
                return RegistryClient.objectMapper()
                        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(file.toFile(), DeviceProfile.class);
            } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
                throw new IllegalArgumentException(file + ": unknown field '" + e.getPropertyName() + "' in "
                        + path(e) + "; known there: " + e.getKnownPropertyIds()
                        + " ('profiles show NAME' prints a valid profile)");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                var where = e.getLocation();
                throw new IllegalArgumentException(file + " is not a device profile JSON" + (where == null ? ""
                        : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")") + ": "
                        + e.getOriginalMessage());
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
            }
        }

        private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
            var path = new StringBuilder();
            for (var ref : e.getPath().subList(0, e.getPath().size() - 1)) { // the last one is the unknown field
                path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
            return path.length() == 0 ? "the top level" : path.substring(path.charAt(0) == '.' ? 1 : 0);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a profile (needs role admin).")
    static final class Delete extends RegistryCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            registry.client().deleteProfile(name);
            return print(Map.of("deleted", name), () -> out().println("deleted profile " + name));
        }
    }
}
