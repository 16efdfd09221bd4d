package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClient;
import dev.modelforge.api.version.ModelVersionDto;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modelforge wait MODEL [VERSION]}: what {@code upload --wait} does after the upload, for a version that is
 * already in the registry (uploaded by another step, or a wait that timed out and is resumed).
 */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Follow a version through compression, benchmarking and promotion; print the per-device table.")
final class WaitCommand extends RegistryCommand {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Parameters(index = "1", paramLabel = "VERSION", arity = "0..1", description = "Default: the latest version.")
    Integer version;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = "How long to wait, e.g. 90s, 30m, 1h (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--device", paramLabel = "PROFILE", split = ",",
            description = "The device profiles to wait for (default: every active profile).")
    List<String> devices;

    @Option(names = "--no-progress", description = "Do not print progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws InterruptedException {
        RegistryClient client = registry.client();
        int v = version != null ? version : latest(client);
        var follower = new VersionFollower(client, err(), !noProgress, System.console() != null);
        VersionFollower.Result result = follower.follow(model, v, follower.devices(devices), timeout);
        return DeviceTable.report(out(), err(), json, null, result);
    }

    private int latest(RegistryClient client) {
        List<ModelVersionDto> versions = client.listVersions(model, false);
        if (versions.isEmpty()) {
            throw new ExitCodes.CliFailure(ExitCodes.NOT_FOUND, model + " has no versions; upload one first");
        }
        return versions.get(versions.size() - 1).version();
    }
}
