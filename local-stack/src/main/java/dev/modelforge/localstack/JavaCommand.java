package dev.modelforge.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for child JVMs: this JVM's java binary plus the flags every ModelForge JVM gets. */
final class JavaCommand {

    /** DJL must never probe the network, in any JVM we start. */
    static final List<String> COMMON_FLAGS = List.of("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true");

    private final List<String> jvmOptions = new ArrayList<>(COMMON_FLAGS);
    private final List<String> tail = new ArrayList<>();

    private JavaCommand() {
    }

    static JavaCommand builder() {
        return new JavaCommand();
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    JavaCommand jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    JavaCommand jar(Path jar) {
        tail.add("-jar");
        tail.add(jar.toAbsolutePath().toString());
        return this;
    }

    JavaCommand mainClass(String classpath, String mainClass) {
        tail.add("-cp");
        tail.add(classpath);
        tail.add(mainClass);
        return this;
    }

    JavaCommand arg(String arg) {
        tail.add(arg);
        return this;
    }

    List<String> build() {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.addAll(tail);
        return command;
    }
}
