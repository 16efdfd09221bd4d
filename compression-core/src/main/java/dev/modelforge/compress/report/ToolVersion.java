package dev.modelforge.compress.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The compression tool's version, from a resource Maven fills in at build time. It is part of every
 * report and of the output model's producer field, because "same input + recipe + tool version →
 * same bytes" is what lets the registry reuse a variant instead of rebuilding it.
 */
public final class ToolVersion {
    /** The producer name written into compressed models. */
    public static final String TOOL_NAME = "modelforge-compress";
    private static final String VERSION = load();

    private ToolVersion() {
    }

    /** The Maven project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ToolVersion.class.getResourceAsStream("/dev/modelforge/compress/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
