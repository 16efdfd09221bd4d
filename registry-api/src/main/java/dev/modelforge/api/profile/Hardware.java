package dev.modelforge.api.profile;

import java.util.List;

/**
 * The hardware a device profile stands for.
 *
 * <p>ISA features are kept as strings on the wire so that an unknown one reaches the registry's validation and is
 * answered with a clear 422 instead of a JSON parse error; {@link IsaFeature} is the closed set they are checked
 * against.
 *
 * @param arch        CPU architecture, {@code x86_64} or {@code arm64}
 * @param cores       CPU cores the device offers to the model
 * @param memoryMb    memory available to the model process, in MiB
 * @param isaFeatures instruction-set features, wire names of {@link IsaFeature}
 * @param accelerator an accelerator such as {@code cuda}, or {@code null} for CPU only
 */
public record Hardware(String arch, Integer cores, Integer memoryMb, List<String> isaFeatures, String accelerator) {

    /** Replaces a missing feature list by an empty one. */
    public Hardware {
        isaFeatures = isaFeatures == null ? List.of() : List.copyOf(isaFeatures);
    }
}
