package dev.modelforge.worker.benchmark.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The CPUs this process may run on ({@code Cpus_allowed_list}), so a child is pinned to CPUs we actually
 * have — in a container with cpuset 4-7, "0-1" would be invalid.
 */
final class CpuAffinity {

    private CpuAffinity() {
    }

    static List<Integer> allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parse(line.substring("Cpus_allowed_list:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: not Linux or unreadable; assume CPUs 0..n-1
        }
        return IntStream.range(0, Runtime.getRuntime().availableProcessors()).boxed().toList();
    }

    /** @param list kernel cpu list such as {@code 0-3,8,10-11} */
    static List<Integer> parse(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            if (part.contains("-")) {
                String[] r = part.split("-");
                for (int c = Integer.parseInt(r[0].trim()); c <= Integer.parseInt(r[1].trim()); c++) {
                    cpus.add(c);
                }
            } else if (!part.isBlank()) {
                cpus.add(Integer.parseInt(part.trim()));
            }
        }
        return cpus;
    }

    static String cpuList(List<Integer> cpus) {
        return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
