package dev.modelforge.api.benchmark;

import java.util.List;

/**
 * The machine and software a result was measured with, so results can be compared, filtered and
 * re-measured when the runtime changes.
 *
 * @param cpuModel       CPU model name as the OS reports it
 * @param arch           normalized architecture: {@code x86_64} or {@code arm64} (else the OS name)
 * @param logicalCores   logical cores of the machine
 * @param coresUsed      cores the measurement was restricted to
 * @param isaFlags       relevant ISA features present, spelled like the profile's ISA features:
 *                       avx2, fma, avx512, avx512-vnni, vnni, amx, neon, dotprod, i8mm, …
 * @param ortVersion     ONNX Runtime version that ran the model
 * @param os             operating system name and kernel version
 * @param jvm            Java runtime version
 * @param workerVersion  benchmark worker version
 */
public record HardwareFingerprint(String cpuModel, String arch, int logicalCores, int coresUsed,
                                  List<String> isaFlags, String ortVersion, String os, String jvm,
                                  String workerVersion) {
    /** Defensive copy: a fingerprint never changes after it is taken. */
    public HardwareFingerprint {
        isaFlags = isaFlags == null ? List.of() : List.copyOf(isaFlags);
    }
}
