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
        subcommands = {
                UploadCommand.class,
                dev.modelforge.compress.cli.CompressCommand.class,
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
            commandLine.getErr().println("error: " + message(e));
            commandLine.getErr().flush();
            return e instanceof CommandLine.ParameterException || e instanceof IllegalArgumentException
                    ? EXIT_USAGE : EXIT_FAILURE;
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
