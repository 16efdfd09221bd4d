package dev.modelforge.worker.benchmark.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from Linux {@code /proc/self/status} (kB values, reported in MB). */
final class ProcStatus {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcStatus() {
    }

    /** @return current resident set size in MB */
    static double rssMb() {
        return field("VmRSS:");
    }

    /** @return peak resident set size ("high water mark") in MB */
    static double peakRssMb() {
        return field("VmHWM:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String kb = line.substring(name.length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STATUS + ": memory probing needs Linux", e);
        }
        throw new IllegalStateException(name + " missing in " + STATUS);
    }
}
