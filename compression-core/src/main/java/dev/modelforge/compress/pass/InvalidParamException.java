package dev.modelforge.compress.pass;

import java.util.List;

/** A recipe or command line set a parameter a pass does not have, or a bad value for one. */
public class InvalidParamException extends Exception {
    private final String pass;
    private final String param;

    public InvalidParamException(String pass, String param, String problem, List<ParamSpec> valid) {
        super("pass '" + pass + "', parameter '" + param + "': " + problem + ". Valid parameters: "
                + (valid.isEmpty() ? "none" : String.join("; ", valid.stream().map(ParamSpec::summary).toList())));
        this.pass = pass;
        this.param = param;
    }

    public String pass() {
        return pass;
    }

    public String param() {
        return param;
    }
}
