package valle.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine's memory ({@code MemTotal} and {@code MemAvailable} of {@code /proc/meminfo}, else the operating
 * system bean's total and free) and the JVM's maximum heap, which bounds the models that load: a published
 * checkpoint is about 1 GB of f32 weights.
 */
final class MemoryFacts {
    private MemoryFacts() {
    }

    static DoctorSection section() {
        Map<String, Object> facts = new LinkedHashMap<>();
        Map<String, Long> meminfo = meminfo();
        if (meminfo.containsKey("MemTotal")) {
            facts.put("total_bytes", meminfo.get("MemTotal"));
            facts.put("available_bytes", meminfo.getOrDefault("MemAvailable", meminfo.get("MemFree")));
        } else if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            facts.put("total_bytes", os.getTotalMemorySize());
            facts.put("available_bytes", os.getFreeMemorySize());
        } else {
            facts.put("total", "unknown");
        }
        facts.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        facts.put("heap_setting", "./valle gives the JVM a heap of 2 GB; VALLE_JAVA_OPTS=-Xmx<size> changes it");
        return new DoctorSection("memory", facts);
    }

    /** The fields of {@code /proc/meminfo} in bytes; empty where it cannot be read. */
    private static Map<String, Long> meminfo() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                String[] parts = line.split("[:\\s]+");
                if (parts.length >= 3 && parts[2].equals("kB")) {
                    out.put(parts[0], Long.parseLong(parts[1]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }
}
