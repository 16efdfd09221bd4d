package dev.modelforge.compress.pass;

import java.nio.file.Path;

/**
 * Who will read a refusal, so that it names what that reader can do about it. The same pass runs under the
 * {@code compress} command (whose user passes {@code --calibration FILE}) and inside the compression worker
 * (whose user uploaded a model version to the registry and never saw the worker's scratch files): a message
 * telling a registry user to "pass --calibration" would be advice they cannot follow.
 */
public enum Audience {
    /** The {@code modelforge compress} command line: data are files named by flags. */
    CLI,
    /** A registry user: data are parts of the version upload, parameters live in the device profile's recipe. */
    REGISTRY;

    /** How to provide a missing calibration set. */
    public String supplyCalibration() {
        return this == CLI ? "pass --calibration FILE"
                : "upload a calibration set with the version (`calibration` part)";
    }

    /** How to provide a missing evaluation set. */
    public String supplyEval() {
        return this == CLI ? "pass --eval FILE" : "upload an evaluation set with the version (`eval` part)";
    }

    /** The calibration data set, as this reader knows it. */
    public String calibrationSet(Path file) {
        return this == CLI ? "calibration set " + file : "the version's calibration set";
    }

    /** The evaluation data set, as this reader knows it. */
    public String evalSet(Path file) {
        return this == CLI ? "evaluation set " + file : "the version's evaluation set";
    }

    /** What to do about a calibration set that does not fit the model. */
    public String fixCalibration() {
        return this == CLI ? "fix the --calibration file"
                : "upload a new version whose `calibration` part has arrays named like the graph inputs";
    }

    /** How to change one parameter of a pass. */
    public String setParam(String pass, String key, String value) {
        return this == CLI ? "--param " + key + "=" + value
                : "\"" + key + "\": " + value + " in the params of the device profile's `" + pass + "` recipe";
    }
}
