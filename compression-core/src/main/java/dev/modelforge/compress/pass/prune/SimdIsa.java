package dev.modelforge.compress.pass.prune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The float SIMD width of a target instruction set, in channels. ONNX Runtime's CPU Conv kernels
 * (NCHWc) process channels in blocks of one register: a kept count that is not a multiple is padded
 * back up, so 24 of 32 channels cost what 32 cost on AVX-512. Pruning rounds to this block.
 */
public enum SimdIsa {
    /** 512-bit registers: 16 floats. */
    AVX512(16),
    /** 256-bit registers: 8 floats. */
    AVX2(8),
    /** Arm NEON: 128-bit registers, kernels unrolled to 8 channels. */
    NEON(8),
    /** Anything else (SSE-class x86): 4 floats. */
    BASELINE(4);

    private final int floatsPerBlock;

    SimdIsa(int floatsPerBlock) {
        this.floatsPerBlock = floatsPerBlock;
    }

    /** Channels per block. */
    public int floatsPerBlock() {
        return floatsPerBlock;
    }

    /** This machine's widest float SIMD (from /proc/cpuinfo on Linux x86, os.arch elsewhere). */
    public static SimdIsa host() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.contains("aarch64") || arch.contains("arm")) {
            return NEON;
        }
        try {
            String flags = Files.readString(Path.of("/proc/cpuinfo"));
            return flags.contains(" avx512f") ? AVX512 : flags.contains(" avx2") ? AVX2 : BASELINE;
        } catch (IOException | RuntimeException e) {
            return BASELINE;
        }
    }

    /** {@code avx512}, {@code avx2}, {@code neon}, or {@code auto} for {@link #host()}. */
    public static SimdIsa parse(String s) {
        return "auto".equals(s) ? host() : valueOf(s.toUpperCase(Locale.ROOT));
    }
}
