package dev.modelforge.worker.benchmark.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelforge.api.benchmark.HardwareFingerprint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HardwareProbeTest {

    private static final String X86 = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Gold 6348 CPU @ 2.60GHz
            flags\t\t: fpu sse4_1 sse4_2 avx fma avx2 avx512f avx512bw avx512_vnni
            """;
    private static final String ARM = """
            processor\t: 0
            BogoMIPS\t: 50.00
            Features\t: fp asimd evtstrm aes crc32 atomics fphp asimdhp asimddp i8mm
            CPU implementer\t: 0x41
            CPU part\t: 0xd0c
            """;

    @Test
    void x86FlagsAreNormalizedToTheRelevantSet() {
        assertThat(HardwareProbe.cpuModel(X86)).isEqualTo("Intel(R) Xeon(R) Gold 6348 CPU @ 2.60GHz");
        assertThat(HardwareProbe.normalizeFlags(X86)).containsExactly("sse4.1", "avx", "avx2", "fma", "avx512", "avx512-vnni");
    }

    @Test
    void armFeaturesAreMappedToNeonDotprod() {
        assertThat(HardwareProbe.cpuModel(ARM)).isEqualTo("ARM implementer 0x41 part 0xd0c");
        assertThat(HardwareProbe.normalizeFlags(ARM)).containsExactly("neon", "dotprod", "i8mm", "fp16");
        assertThat(HardwareProbe.normalizeArch("aarch64")).isEqualTo("arm64");
        assertThat(HardwareProbe.normalizeArch("amd64")).isEqualTo("x86_64");
    }

    @Test
    void emulationFollowsArchAndKernelSelectingFeatures() {
        List<String> vnniMachine = List.of("avx2", "fma", "avx512", "avx512-vnni");
        assertThat(new TargetHardware("x86_64", vnniMachine).isEmulatedOn("x86_64", vnniMachine)).isFalse();
        // arm profile on an x86 machine
        assertThat(new TargetHardware("arm64", List.of("neon", "dotprod")).isEmulatedOn("x86_64", vnniMachine)).isTrue();
        // AVX2-only profile: VNNI here would pick int8 kernels the device does not have
        assertThat(new TargetHardware("x86_64", List.of("avx2", "fma")).isEmulatedOn("x86_64", vnniMachine)).isTrue();
        // profile needs VNNI, machine lacks it
        assertThat(new TargetHardware("amd64", vnniMachine).isEmulatedOn("x86_64", List.of("avx2", "fma"))).isTrue();
        // kernel spellings are accepted; a feature we do not track (sse4_2) does not decide
        assertThat(new TargetHardware("x86_64", List.of("avx2", "fma", "avx512f", "avx512_vnni", "sse4_2"))
                .isEmulatedOn("x86_64", vnniMachine)).isFalse();
    }

    @Test
    void fingerprintOfThisMachineIsComplete() throws Exception {
        HardwareFingerprint fp = HardwareProbe.fingerprint(2, "1.2.3");
        assertThat(fp.cpuModel()).isNotBlank();
        assertThat(fp.arch()).isEqualTo(HardwareProbe.normalizeArch(System.getProperty("os.arch")));
        assertThat(fp.logicalCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(fp.coresUsed()).isEqualTo(2);
        assertThat(fp.ortVersion()).isEqualTo("1.23.2");
        assertThat(fp.os()).isNotBlank();
        assertThat(fp.jvm()).contains(System.getProperty("java.runtime.version"));
        assertThat(fp.workerVersion()).isEqualTo("1.2.3");
        // flags agree with an independent read of /proc/cpuinfo
        String cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        for (String f : fp.isaFlags()) {
            String raw = switch (f) {
                case "neon" -> "asimd";
                case "dotprod" -> "asimddp";
                case "fp16" -> "asimdhp";
                case "avx512" -> "avx512f";
                case "avx512-vnni" -> "avx512_vnni";
                case "vnni" -> "avx_vnni";
                case "amx" -> "amx_int8";
                case "sse4.1" -> "sse4_1";
                default -> f;
            };
            assertThat(cpuinfo).containsPattern("\\b" + raw + "\\b");
        }
        if (cpuinfo.matches("(?s).*\\bavx2\\b.*")) {
            assertThat(fp.isaFlags()).contains("avx2");
        }
    }
}
