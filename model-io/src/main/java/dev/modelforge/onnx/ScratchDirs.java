package dev.modelforge.onnx;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scratch files and directories tagged with the creating process id ({@code <prefix>pid<N>-<random>}), so that
 * what a crashed process left behind can be told from what a live one is using: {@link #sweepDead(Path)} removes
 * the entries of processes that no longer run, and never touches those of a running one (another worker on the
 * same machine, the CLI in another terminal).
 */
public final class ScratchDirs {
    private static final Pattern TAG = Pattern.compile("pid(\\d+)-");
    private static final String PID_TAG = "pid" + ProcessHandle.current().pid() + "-";

    private ScratchDirs() {
    }

    /** The default parent: {@code java.io.tmpdir}. */
    public static Path tempRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Creates a scratch directory under {@code parent} (created if missing).
     *
     * @param parent where, or null for {@link #tempRoot()}
     * @param prefix name prefix, e.g. {@code modelforge-job-}
     * @return the new directory
     * @throws IOException if it cannot be created
     */
    public static Path createDirectory(Path parent, String prefix) throws IOException {
        Path dir = parent == null ? tempRoot() : Files.createDirectories(parent);
        return Files.createTempDirectory(dir, prefix + PID_TAG);
    }

    /**
     * Creates a scratch file in {@link #tempRoot()}.
     *
     * @param prefix name prefix
     * @param suffix name suffix, e.g. {@code .json}
     * @return the new, empty file
     * @throws IOException if it cannot be created
     */
    public static Path createFile(String prefix, String suffix) throws IOException {
        return Files.createTempFile(prefix + PID_TAG, suffix);
    }

    /**
     * Removes the direct entries of {@code parent} that a process which no longer runs created through this class.
     *
     * @param parent the directory to sweep; a missing one is empty
     * @return how many entries were removed
     */
    public static int sweepDead(Path parent) {
        if (!Files.isDirectory(parent)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                Matcher m = TAG.matcher(entry.getFileName().toString());
                if (m.find() && !alive(m.group(1))) {
                    try {
                        deleteTree(entry);
                        removed++;
                    } catch (IOException e) {
                        // somebody else's file we may not delete, or removed meanwhile: leave it
                    }
                }
            }
        } catch (IOException e) {
            return removed;
        }
        return removed;
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not one of ours: keep
        }
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
