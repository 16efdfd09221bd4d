package dev.modelforge.compress.cli;

import picocli.CommandLine;

/**
 * Stand-alone entry point of compression-core for offline use
 * ({@code java -cp ... dev.modelforge.compress.cli.CompressMain IN OUT --recipe int8-dynamic}).
 * The {@code cli} module registers {@link CompressCommand} as the {@code compress} subcommand instead.
 */
public final class CompressMain {
    private CompressMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CompressCommand()).execute(args));
    }
}
