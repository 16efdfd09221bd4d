package dev.modelforge.registry.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelforge.api.profile.DeviceProfile;
import dev.modelforge.api.profile.Hardware;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceResolverTest {

    static DeviceProfile profile(String name, String arch, int cores, int memoryMb, List<String> isa, String accel) {
        return new DeviceProfile(name, null, true, new Hardware(arch, cores, memoryMb, isa, accel), null, null, null,
                null, 1, null);
    }

    final List<DeviceProfile> profiles = List.of(
            profile("arm-big", "arm64", 8, 8192, List.of("neon", "dotprod"), null),
            profile("arm-mid", "arm64", 4, 4096, List.of("neon", "dotprod"), null),
            profile("arm-small", "arm64", 1, 256, List.of("neon"), null),
            profile("x86", "x86_64", 4, 4096, List.of("avx2"), null),
            profile("gpu", "x86_64", 8, 16384, List.of("avx2"), "cuda"));

    @Test
    void picksTheClosestProfileThatDoesNotExceedTheDevice() {
        var r = DeviceResolver.resolve(DeviceResolver.Device.parse("aarch64", 4, 6000, "neon,dotprod", null),
                profiles, new StringBuilder());
        assertThat(r.profile().name()).isEqualTo("arm-mid");
        assertThat(r.why()).contains("closest of 2").contains("arm-small");
    }

    @Test
    void missingIsaFeaturesExcludeAProfile() {
        var r = DeviceResolver.resolve(DeviceResolver.Device.parse("arm64", 8, 8192, "neon", null), profiles,
                new StringBuilder());
        assertThat(r.profile().name()).isEqualTo("arm-small");
    }

    @Test
    void acceleratorProfilesNeedTheAccelerator() {
        assertThat(DeviceResolver.resolve(DeviceResolver.Device.parse("x86_64", 16, 32000, "avx2", null), profiles,
                new StringBuilder()).profile().name()).isEqualTo("x86");
        assertThat(DeviceResolver.resolve(DeviceResolver.Device.parse("amd64", 16, 32000, "avx2", "cuda"), profiles,
                new StringBuilder()).profile().name()).isEqualTo("gpu");
    }

    @Test
    void noMatchSaysWhyForEachProfile() {
        StringBuilder why = new StringBuilder();
        assertThat(DeviceResolver.resolve(DeviceResolver.Device.parse("arm64", 1, 128, "neon", null), profiles, why))
                .isNull();
        assertThat(why.toString()).contains("arm-small assumes 256 MiB").contains("x86 needs arch x86_64");
    }

    @Test
    void policyProblemsNameTheField() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(Policies.problems(null)).isEmpty();
        assertThat(Policies.problems(json.readTree("{\"objectives\":[\"latency\"],\"mode\":\"approval\"}"))).isEmpty();
        assertThat(Policies.problems(json.readTree("{\"constraints\":{\"maxSizeMB\":3}}")).get(0))
                .startsWith("policy:").contains("maxSizeMB");
        assertThat(Policies.problems(json.readTree("{\"objectives\":[\"speed\"]}")).get(0)).contains("unknown objective 'speed'");
        assertThat(Policies.problems(json.readTree("{\"tieTolerance\":0.7}")).get(0)).contains("tieTolerance");
    }
}
