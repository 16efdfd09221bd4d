package dev.modelforge.worker.benchmark.hardware;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import dev.modelforge.api.benchmark.HardwareFingerprint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads this machine's CPU model and ISA features (Linux /proc/cpuinfo) and the runtime versions. */
public final class HardwareProbe {

    /**
     * ISA features that change which ONNX Runtime kernels run (int8 dot products, fp16, vector width), spelled
     * like the registry's {@code IsaFeature} wire names (plus {@code fma}), so fingerprints and device
     * profiles compare directly.
     */
    public static final List<String> RELEVANT_FLAGS = List.of("sse4.1", "avx", "avx2", "fma", "f16c", "avx512",
            "avx512-vnni", "vnni", "amx", "neon", "dotprod", "i8mm", "fp16", "sve");

    private HardwareProbe() {
    }

    /**
     * @param coresUsed     cores the measurement is restricted to
     * @param workerVersion this worker's version
     * @return the fingerprint of this machine
     */
    public static HardwareFingerprint fingerprint(int coresUsed, String workerVersion) {
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        String arch = normalizeArch(System.getProperty("os.arch"));
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version");
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        int logical = Runtime.getRuntime().availableProcessors();
        return new HardwareFingerprint(cpuModel(cpuinfo), arch, logical, coresUsed, normalizeFlags(cpuinfo),
                ortVersion(), os, jvm, workerVersion);
    }

    /**
     * The version of the ONNX Runtime native library actually loaded (DJL's engine reports its own pin, not
     * the overridden one). DJL's engine must create the ORT environment first: it passes threading options,
     * which ORT refuses once a plain environment exists.
     *
     * @return the ONNX Runtime version loaded in this process
     */
    public static String ortVersion() {
        try {
            Engine.getEngine("OnnxRuntime");
            return OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "unknown";
        }
    }

    /**
     * @param cpuinfo text of /proc/cpuinfo
     * @return the first "model name" (x86) or a description from implementer/part (ARM), else "unknown"
     */
    public static String cpuModel(String cpuinfo) {
        for (String key : List.of("model name", "Model", "Hardware")) {
            String v = field(cpuinfo, key);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        String impl = field(cpuinfo, "CPU implementer");
        String part = field(cpuinfo, "CPU part");
        return impl != null ? "ARM implementer " + impl + " part " + part : "unknown";
    }

    /**
     * Normalizes the first CPU's flag list: x86 {@code flags} or ARM {@code Features}, see {@link #normalizeFlag}.
     *
     * @param cpuinfo text of /proc/cpuinfo
     * @return relevant flags present, in {@link #RELEVANT_FLAGS} order
     */
    public static List<String> normalizeFlags(String cpuinfo) {
        String raw = field(cpuinfo, "flags");
        if (raw == null) {
            raw = field(cpuinfo, "Features");
        }
        Set<String> have = new LinkedHashSet<>();
        if (raw != null) {
            for (String f : raw.trim().split("\\s+")) {
                have.add(normalizeFlag(f));
            }
        }
        List<String> out = new ArrayList<>();
        for (String f : RELEVANT_FLAGS) {
            if (have.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * Kernel flag names to the registry's spelling: avx512f → avx512, avx512_vnni → avx512-vnni,
     * avx_vnni → vnni, amx_int8 → amx, sse4_1 → sse4.1, asimd → neon, asimddp → dotprod, asimdhp → fp16.
     *
     * @param flag a /proc/cpuinfo flag or a profile feature
     * @return the normalized name (lower case; unknown names unchanged)
     */
    public static String normalizeFlag(String flag) {
        String f = flag.toLowerCase(Locale.ROOT);
        return switch (f) {
            case "avx512f" -> "avx512";
            case "avx512_vnni" -> "avx512-vnni";
            case "avx_vnni" -> "vnni";
            case "amx_int8" -> "amx";
            case "sse4_1" -> "sse4.1";
            case "asimd" -> "neon";
            case "asimddp" -> "dotprod";
            case "asimdhp" -> "fp16";
            default -> f;
        };
    }

    /**
     * @param osArch {@code os.arch} or a profile's arch
     * @return {@code x86_64}, {@code arm64} or the input lower-cased
     */
    public static String normalizeArch(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> a;
        };
    }

    private static String field(String cpuinfo, String key) {
        return Arrays.stream(cpuinfo.split("\n"))
                .filter(l -> l.contains(":") && l.substring(0, l.indexOf(':')).trim().equals(key))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst().orElse(null);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
