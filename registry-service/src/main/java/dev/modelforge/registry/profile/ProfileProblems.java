package dev.modelforge.registry.profile;

import dev.modelforge.api.job.PipelineProblemTypes;
import dev.modelforge.registry.error.ProblemException;

import java.util.List;

/** The problem+json answers of the device-profile endpoints. */
public final class ProfileProblems {

    private ProfileProblems() {
    }

    public static ProblemException invalid(List<String> problems) {
        return new ProblemException(422, PipelineProblemTypes.DEVICE_PROFILE_INVALID, "Invalid device profile",
                String.join("; ", problems));
    }

    public static ProblemException notFound(String name) {
        return new ProblemException(404, PipelineProblemTypes.DEVICE_PROFILE_NOT_FOUND, "Device profile not found",
                "no device profile named '" + name + "'");
    }
}
