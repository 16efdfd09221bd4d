package dev.modelforge.localstack;

import java.util.Optional;

/**
 * A process the launcher started, remembered by PID. {@code marker} is a string its command line
 * must contain, so a PID recycled by the OS for someone else's process is never signalled.
 */
record ManagedProcess(String name, long pid, String marker) {

    String toLine() {
        return name + " " + pid + " " + marker;
    }

    static ManagedProcess parse(String line) {
        String[] parts = line.trim().split("\\s+", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("malformed pid line: " + line);
        }
        return new ManagedProcess(parts[0], Long.parseLong(parts[1]), parts.length == 3 ? parts[2] : "");
    }

    /** The live process, if it still runs and still is the one we started. */
    Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::isOurs);
    }

    boolean isRunning() {
        return handle().isPresent();
    }

    private boolean isOurs(ProcessHandle process) {
        if (marker.isEmpty()) {
            return true;
        }
        // Without /proc access the command line is unknown; trusting the PID is the lesser evil.
        return process.info().commandLine().map(cmd -> cmd.contains(marker)).orElse(true);
    }
}
