package dev.modelforge.api.profile;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/**
 * Instruction-set features a device profile can require. They decide which integer kernels ONNX Runtime can use
 * (VNNI and dot-product instructions make int8 pay off) and whether a benchmark worker's hardware matches.
 */
public enum IsaFeature {
    /** x86 SSE 4.1. */
    SSE4_1("sse4.1"),
    /** x86 AVX. */
    AVX("avx"),
    /** x86 AVX2 (256-bit integer SIMD). */
    AVX2("avx2"),
    /** x86 AVX-512 foundation. */
    AVX512("avx512"),
    /** x86 VNNI (int8 dot products, AVX-512 or AVX flavour). */
    VNNI("vnni"),
    /** x86 AVX-512 with VNNI, the common server spelling. */
    AVX512_VNNI("avx512-vnni"),
    /** x86 AMX tiles. */
    AMX("amx"),
    /** x86 F16C half-precision conversions. */
    F16C("f16c"),
    /** ARM Advanced SIMD. */
    NEON("neon"),
    /** ARM int8 dot product (SDOT/UDOT). */
    DOTPROD("dotprod"),
    /** ARM int8 matrix multiply. */
    I8MM("i8mm"),
    /** ARM half-precision arithmetic. */
    FP16("fp16"),
    /** ARM scalable vectors. */
    SVE("sve");

    private final String wireName;

    IsaFeature(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used in JSON and in profiles. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /**
     * Looks a feature up by its wire name, case-insensitively.
     *
     * @param name for example {@code avx2}
     * @return the feature, or empty when the name is unknown
     */
    public static Optional<IsaFeature> fromWireName(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName.equalsIgnoreCase(name)).findFirst();
    }
}
