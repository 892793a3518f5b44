package valle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processor as Linux describes it in {@code /proc/cpuinfo}: model, logical and physical cores, and the
 * vector features valle's kernels and the native backends can use. Elsewhere the model and features are
 * "unknown" and the physical cores are taken to be the logical ones.
 *
 * @param model        the model name, or "unknown"
 * @param logicalCores the processors this JVM may use
 * @param physicalCores distinct (socket, core) pairs; {@code logicalCores} where they cannot be read
 * @param flags        the kernel's feature flags ({@code avx2}, {@code avx512f}, ...); null where unknown
 */
record CpuFacts(String model, int logicalCores, int physicalCores, Set<String> flags) {

    /** The features reported, by name, and the {@code /proc/cpuinfo} flag that says each is there. */
    private static final Map<String, String> FEATURES = featureFlags();

    static CpuFacts ofThisMachine() {
        return parse(read(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors());
    }

    /** Facts from the text of {@code /proc/cpuinfo} ({@code null} where there is none). */
    static CpuFacts parse(List<String> cpuinfo, int logicalCores) {
        if (cpuinfo == null) {
            return new CpuFacts("unknown", logicalCores, logicalCores, null);
        }
        String model = "unknown";
        Set<String> flags = null;
        Set<String> cores = new HashSet<>();
        String physicalId = "";
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "model name" -> model = model.equals("unknown") ? value : model;
                case "flags" -> flags = flags == null ? Set.of(value.split("\\s+")) : flags;
                case "physical id" -> physicalId = value;
                case "core id" -> cores.add(physicalId + ":" + value);
                default -> {
                }
            }
        }
        // a JVM limited to fewer processors (a container's quota) cannot use more cores than those
        int physical = cores.isEmpty() ? logicalCores : Math.min(cores.size(), logicalCores);
        return new CpuFacts(model, logicalCores, physical, flags);
    }

    /** Whether the feature named as in {@link #section()} ("AVX2", "AMX", ...) is present; false where unknown. */
    boolean has(String feature) {
        return flags != null && flags.contains(FEATURES.get(feature));
    }

    DoctorSection section() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("model", model);
        facts.put("logical_cores", logicalCores);
        facts.put("physical_cores", physicalCores);
        if (flags == null) {
            facts.put("features", "unknown");
        } else {
            Map<String, Object> features = new LinkedHashMap<>();
            FEATURES.keySet().forEach(name -> features.put(name, has(name)));
            facts.put("features", features);
        }
        return new DoctorSection("cpu", facts);
    }

    private static Map<String, String> featureFlags() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("AVX2", "avx2");
        m.put("AVX-512F", "avx512f");
        m.put("AVX512_BF16", "avx512_bf16");
        m.put("AVX512_VNNI", "avx512_vnni");
        m.put("AMX", "amx_tile");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
