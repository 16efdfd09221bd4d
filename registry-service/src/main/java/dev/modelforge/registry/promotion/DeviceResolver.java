package dev.modelforge.registry.promotion;

import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.Hardware;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks the active profile that best describes a device: the architecture must match, every ISA feature the profile
 * requires must be present, and the profile may not assume more cores or memory than the device has; among those,
 * the closest (most cores, then most memory, then most required features) wins, because it exploits the device
 * best without promising what it lacks. Profiles with an accelerator match only a device naming that accelerator.
 */
public final class DeviceResolver {

    private DeviceResolver() {
    }

    /**
     * A device as a client describes it.
     *
     * @param arch        {@code x86_64} or {@code arm64} (aliases amd64/aarch64 accepted)
     * @param cores       cores available, or null when unknown (then any core count matches)
     * @param memoryMb    memory available in MiB, or null when unknown
     * @param isa         ISA features present
     * @param accelerator accelerator such as {@code cuda}, or null
     */
    public record Device(String arch, Integer cores, Integer memoryMb, Set<String> isa, String accelerator) {

        public static Device parse(String arch, Integer cores, Integer memoryMb, String isa, String accelerator) {
            Set<String> features = new TreeSet<>();
            if (isa != null) {
                for (String f : isa.split(",")) {
                    if (!f.isBlank()) {
                        features.add(f.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
            return new Device(normalizeArch(arch), cores, memoryMb, features,
                    accelerator == null || accelerator.isBlank() ? null : accelerator.toLowerCase(Locale.ROOT));
        }

        static String normalizeArch(String arch) {
            String a = arch == null ? null : arch.trim().toLowerCase(Locale.ROOT);
            return a == null ? null : switch (a) {
                case "amd64", "x64", "x86-64" -> "x86_64";
                case "aarch64", "arm64-v8a" -> "arm64";
                default -> a;
            };
        }
    }

    /** The chosen profile and a sentence on why. */
    public record Resolution(DeviceProfile profile, String why) {
    }

    /** The best match, or null with {@code whyNot} filled when none matches. */
    public static Resolution resolve(Device device, List<DeviceProfile> active, StringBuilder whyNot) {
        List<DeviceProfile> matching = active.stream().filter(p -> mismatch(device, p) == null)
                .sorted(Comparator.comparing((DeviceProfile p) -> cores(p)).reversed()
                        .thenComparing(Comparator.comparing((DeviceProfile p) -> memory(p)).reversed())
                        .thenComparing(Comparator.comparing((DeviceProfile p) -> p.hardware().isaFeatures().size()).reversed())
                        .thenComparing(DeviceProfile::name))
                .toList();
        if (matching.isEmpty()) {
            whyNot.append("no active device profile matches arch=").append(device.arch()).append(", cores=")
                    .append(device.cores()).append(", memoryMb=").append(device.memoryMb()).append(", isa=")
                    .append(device.isa()).append(": ");
            whyNot.append(String.join("; ", active.stream().map(p -> p.name() + " " + mismatch(device, p)).toList()));
            return null;
        }
        DeviceProfile best = matching.get(0);
        Hardware h = best.hardware();
        String why = "arch " + h.arch() + " matches, its ISA features " + h.isaFeatures() + " are all present, "
                + h.cores() + " core(s) and " + h.memoryMb() + " MiB fit the device; closest of " + matching.size()
                + " matching profile(s)" + (matching.size() > 1 ? " (also: " + String.join(", ",
                matching.stream().skip(1).map(DeviceProfile::name).toList()) + ")" : "");
        return new Resolution(best, why);
    }

    /** Why the profile does not fit the device, or null when it does. */
    static String mismatch(Device d, DeviceProfile p) {
        Hardware h = p.hardware();
        if (h == null || h.arch() == null || !h.arch().equals(d.arch())) {
            return "needs arch " + (h == null ? null : h.arch());
        }
        if (h.accelerator() != null && !h.accelerator().equalsIgnoreCase(String.valueOf(d.accelerator()))) {
            return "needs accelerator " + h.accelerator();
        }
        List<String> missing = h.isaFeatures().stream().filter(f -> !d.isa().contains(f.toLowerCase(Locale.ROOT))).toList();
        if (!missing.isEmpty()) {
            return "needs ISA features " + missing;
        }
        if (d.cores() != null && cores(p) > d.cores()) {
            return "assumes " + cores(p) + " cores";
        }
        if (d.memoryMb() != null && memory(p) > d.memoryMb()) {
            return "assumes " + memory(p) + " MiB";
        }
        return null;
    }

    private static int cores(DeviceProfile p) {
        return p.hardware().cores() == null ? 0 : p.hardware().cores();
    }

    private static int memory(DeviceProfile p) {
        return p.hardware().memoryMb() == null ? 0 : p.hardware().memoryMb();
    }
}
