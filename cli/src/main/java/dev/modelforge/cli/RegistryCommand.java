package dev.modelforge.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command that talks to the registry shares: where it is, the key, and {@code --json}. */
abstract class RegistryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegistryOptions registry;

    @Option(names = "--json", description = "Machine-readable JSON on stdout instead of a table.")
    boolean json;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code value} as JSON, or runs {@code text} to print it for people. */
    int print(Object value, Runnable text) {
        if (json) {
            Output.json(out(), value);
        } else {
            text.run();
            out().flush();
        }
        return 0;
    }
}
