package dev.modelforge.worker.benchmark.hardware;

import java.util.List;

/**
 * What a device profile says its hardware is: architecture and the ISA features its kernels rely on.
 *
 * @param arch        {@code x86_64} or {@code arm64} (aliases amd64/aarch64 accepted)
 * @param isaFeatures features the device has, normalized like {@link HardwareProbe#normalizeFlags}
 */
public record TargetHardware(String arch, List<String> isaFeatures) {

    public TargetHardware {
        arch = HardwareProbe.normalizeArch(arch == null ? "" : arch);
        isaFeatures = isaFeatures == null ? List.of()
                : isaFeatures.stream().map(HardwareProbe::normalizeFlag).distinct().toList();
    }

    /**
     * @param hardware a device profile's hardware (null = unknown)
     * @return the target, or null when the profile does not say (results are then marked emulated)
     */
    public static TargetHardware of(dev.modelforge.api.profile.Hardware hardware) {
        return hardware == null || hardware.arch() == null ? null
                : new TargetHardware(hardware.arch(), hardware.isaFeatures());
    }

    /** Features whose presence makes ONNX Runtime pick different (faster) kernels than a device without them. */
    private static final List<String> KERNEL_SELECTING = List.of("avx512", "avx512-vnni", "vnni", "amx", "dotprod",
            "i8mm");

    /**
     * A result measured on other hardware is emulated: a different architecture, an ISA feature the
     * profile has and this machine lacks, or a kernel-selecting feature (VNNI, AVX-512, dot product…) this
     * machine has and the profile lacks — ORT would run faster kernels here than on the device.
     *
     * @param machineArch  normalized architecture of this machine
     * @param machineFlags normalized ISA flags of this machine
     * @return true when this machine does not match the profile
     */
    public boolean isEmulatedOn(String machineArch, List<String> machineFlags) {
        if (!arch.equals(machineArch)) {
            return true;
        }
        if (!isaFeatures.stream().filter(HardwareProbe.RELEVANT_FLAGS::contains).allMatch(machineFlags::contains)) {
            return true;
        }
        return KERNEL_SELECTING.stream().anyMatch(f -> machineFlags.contains(f) && !isaFeatures.contains(f));
    }
}
