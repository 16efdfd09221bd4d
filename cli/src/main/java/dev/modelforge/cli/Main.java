package dev.modelforge.cli;

import dev.modelforge.api.client.RegistryClientException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code modelforge} command. Every subcommand is registered in the {@code subcommands} list below,
 * and nowhere else; add yours there.
 */
@Command(name = "modelforge", mixinStandardHelpOptions = true, version = "modelforge 0.1.0",
        description = "ModelForge: upload, compress, benchmark and promote ONNX models.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:unexpected failure (registry error 5xx, I/O error)",
                "2:wrong arguments or unreadable/invalid input file (compress: bad model, data or recipe)",
                "3:compress: the recipe refused the model",
                "4:compress: the compressed model failed validation",
                "5:model, version, variant, profile or promotion not found (or nothing promoted yet)",
                "6:the registry refused the request (invalid, conflicting)",
                "7:upload --wait / wait: a device got nothing eligible",
                "8:upload --wait / wait: timed out",
                "9:downloaded file does not match its sha256 (deleted)",
                "10:cannot reach the registry (is it running? ./modelforge up), or what answers is not one",
                "11:API key missing or unknown, or its role is too low",
        },
        subcommands = {
                UploadCommand.class,
                dev.modelforge.compress.cli.CompressCommand.class,
                WaitCommand.class,
                VersionsCommand.class,
                VariantsCommand.class,
                BestCommand.class,
                HistoryCommand.class,
                PromoteCommand.class,
                RollbackCommand.class,
                ReviewCommand.Approve.class,
                ReviewCommand.Reject.class,
                ProfilesCommand.class,
                KeysCommand.class,
                AdminCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    /** Exit code when the registry or a file failed us. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code for wrong arguments (picocli's convention). */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        // Exit explicitly: the HTTP client's selector threads would otherwise keep the JVM alive a while.
        System.exit(code);
    }

    /** Runs a command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        var cli = new CommandLine(new Main());
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = ExitCodes.message(e, commandLine.getCommandName());
            int code = e instanceof CommandLine.ParameterException ? EXIT_USAGE : ExitCodes.of(e);
            commandLine.getErr().println("error: " + message);
            commandLine.getErr().flush();
            if (commandLine.getParseResult().hasMatchedOption("--json")) {
                var error = new java.util.LinkedHashMap<String, Object>();
                error.put("exitCode", code);
                error.put("message", message);
                if (e instanceof RegistryClientException r && r.problem() != null) {
                    error.put("problem", r.problem());
                }
                Output.json(commandLine.getOut(), java.util.Map.of("error", error));
            }
            return code;
        });
        return cli.execute(args);
    }

    static String message(Exception e) {
        if (e instanceof RegistryClientException r && r.problem() != null && r.problem().type() != null) {
            return r.getMessage() + " [" + r.problem().type() + "]";
        }
        if (e instanceof java.nio.file.NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
