package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.kit.io.Json;

/**
 * {@code valle doctor} here (espeak-ng installed, every plugin on the module path) and in a JVM whose espeak-ng
 * library path points nowhere: the library loads once per process, so that verdict needs a process of its own.
 */
class DoctorCommandTest {
    private static final Path GOLDEN = Path.of("..", "valle-tck", "golden");
    private static final List<String> SECTIONS = List.of("jdk", "cpu", "memory", "espeak_ng", "plugins",
            "bundled_defaults", "settings", "recommendation", "verdict");

    @Test
    void onThisMachineEverySectionIsThereAndSpeakHasWhatItNeeds() {
        Result r = withGolden("doctor");
        assertEquals(0, r.code(), r.err());
        for (String section : SECTIONS) {
            assertTrue(r.out().contains(section.replace('_', ' ').toUpperCase(java.util.Locale.ROOT) + "\n"),
                    section + " is missing from:\n" + r.out());
        }
        assertTrue(r.out().contains("ready for speak  yes"), r.out());
        assertTrue(r.out().contains(GOLDEN.resolve("ar_nar_len/model.sft").toString()), "the bundled model is named");
    }

    @Test
    void theJsonIsOneObjectWithTheSameSectionsAndARecommendation() {
        Result r = withGolden("doctor", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim(), "doctor output");
        assertEquals(SECTIONS, List.copyOf(json.keySet()));
        Map<String, Object> espeak = section(json, "espeak_ng");
        assertEquals("found", espeak.get("status"));
        assertTrue(espeak.get("version").toString().matches("\\d.*"), espeak.toString());
        Map<String, Object> recommendation = section(json, "recommendation");
        // onnx is on this module's path and loads: auto takes it for the llama arch; f32 is advised, and the
        // quantised formats it also stores are named with the command that compares them on this machine
        assertEquals("onnx", recommendation.get("backend"));
        assertEquals("f32", recommendation.get("weights"));
        assertTrue(recommendation.get("weights_why").toString()
                .contains("./valle bench --backend onnx --compare-weights f32,int8,int4"), recommendation.toString());
        assertEquals(section(json, "cpu").get("physical_cores"), recommendation.get("threads"));
        assertEquals(Boolean.TRUE, section(json, "verdict").get("ready_for_speak"));
        assertTrue((Long) section(json, "jdk").get("vector_bits") >= 128, json.get("jdk").toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> plugins = (List<Map<String, Object>>) section(json, "plugins").get("discovered");
        assertTrue(plugins.stream().anyMatch(p -> p.get("kind").equals("phonemizer") && p.get("name").equals("espeak")
                && p.get("available").equals(true)), plugins.toString());
    }

    @Test
    void withoutEspeakNgTheVerdictIsMissingAndNamesTheFix(@TempDir Path tmp) throws Exception {
        Result r = inFreshJvm(tmp, "-Dvalle.espeak.library=/nonexistent/libespeak-ng.so.1", "doctor", "--json");
        assertEquals(1, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim(), "doctor output");
        Map<String, Object> espeak = section(json, "espeak_ng");
        assertEquals("missing", espeak.get("status"));
        assertTrue(espeak.get("reason").toString().contains("/nonexistent/libespeak-ng.so.1"), espeak.toString());
        Map<String, Object> verdict = section(json, "verdict");
        assertEquals(Boolean.FALSE, verdict.get("ready_for_speak"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> missing = (List<Map<String, Object>>) verdict.get("missing");
        assertEquals(1, missing.size(), missing.toString());
        assertTrue(missing.getFirst().get("what").toString().startsWith("no phonemizer can run here"), missing.toString());
        assertTrue(missing.getFirst().get("fix").toString().contains("apt-get install espeak-ng"), missing.toString());
        assertTrue(r.err().contains("fix: install it: apt-get install espeak-ng"), r.err());
    }

    /**
     * ONNX Runtime's native library, loaded on the JVM's main thread, overflowed its stack when the command line was
     * a few KB longer than usual (SIGSEGV, no error report); the onnx backend now loads it on a thread of its own.
     */
    @Test
    void aLongCommandLineDoesNotCrashTheLoadingOfOnnxRuntime(@TempDir Path tmp) throws Exception {
        Result r = inFreshJvm(tmp, "-Dvalle.test.padding=" + "x".repeat(8000), "doctor", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim(), "doctor output");
        assertEquals("onnx", section(json, "recommendation").get("backend"), json.toString());
    }

    @Test
    void physicalCoresAndFeaturesComeFromCpuinfo() {
        // two cores with two hyper-threads each, AVX2 without AVX-512
        List<String> cpuinfo = new ArrayList<>();
        for (int cpu = 0; cpu < 4; cpu++) {
            cpuinfo.addAll(List.of("processor\t: " + cpu, "model name\t: Example CPU", "physical id\t: 0",
                    "core id\t\t: " + cpu / 2, "flags\t\t: fpu sse2 avx avx2 fma", ""));
        }
        CpuFacts cpu = CpuFacts.parse(cpuinfo, 4);
        assertEquals("Example CPU", cpu.model());
        assertEquals(2, cpu.physicalCores());
        assertTrue(cpu.has("AVX2"));
        assertFalse(cpu.has("AVX-512F"));
        assertEquals(Map.of("AVX2", true, "AVX-512F", false, "AVX512_BF16", false, "AVX512_VNNI", false, "AMX", false),
                cpu.section().facts().get("features"));
        CpuFacts unknown = CpuFacts.parse(null, 8);
        assertEquals("unknown", unknown.section().facts().get("features"));
        assertEquals(8, unknown.physicalCores());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> json, String name) {
        Map<String, Object> section = (Map<String, Object>) json.get(name);
        assertNotNull(section, name + " is missing from " + json.keySet());
        return section;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result withGolden(String... args) {
        String before = System.getProperty("valle.golden");
        System.setProperty("valle.golden", GOLDEN.toString());
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Result(code, out.toString(), err.toString());
        } finally {
            if (before == null) {
                System.clearProperty("valle.golden");
            } else {
                System.setProperty("valle.golden", before);
            }
        }
    }

    /** The CLI in a new JVM on this test's module path, with {@code property} set. */
    private static Result inFreshJvm(Path tmp, String property, String... args) throws IOException, InterruptedException {
        String modulePath = System.getProperty("jdk.module.path");
        assertNotNull(modulePath, "the tests run on the module path (surefire's default for a module)");
        // on the command line itself (Maven's repository paths make it over 4 KB, which once crashed ORT's loading)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                property, "-Dvalle.golden=" + GOLDEN, "--enable-native-access=ALL-UNNAMED,valle.text,com.microsoft.onnxruntime",
                "-p", modulePath, "--add-modules", "ALL-MODULE-PATH", "-m", "valle.cli/valle.cli.Main"));
        command.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the doctor finishes");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
