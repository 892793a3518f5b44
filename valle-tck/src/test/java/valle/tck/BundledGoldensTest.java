package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every case of the goldens bundled in {@code valle-tck/golden}, against the plugins on the test path. */
class BundledGoldensTest {
    static final Path GOLDEN = Path.of("golden");

    @TestFactory
    Stream<DynamicTest> everyBundledCasePasses() {
        List<CaseResult> results = new ConformanceSuite(null, null).run(GOLDEN, r -> { });
        // 1 tokenizer file, 2 llama variants (5 and 6 folders with inputs) and 2 arch variants (6 each)
        assertTrue(results.size() >= 24, "only " + results.size() + " bundled cases were found");
        valle.api.plugin.Availability phonemizer = TextFrontEndTest.phonemizer();
        return results.stream().map(r -> DynamicTest.dynamicTest(r.path(), () -> {
            // text cases need libespeak-ng; CI installs it, so they are skipped only where it truly is absent
            if (r.path().startsWith("text/")) {
                org.junit.jupiter.api.Assumptions.assumeTrue(phonemizer.ok(), phonemizer::toString);
            }
            // components the reference cannot build are reported as skipped, never as passed
            org.junit.jupiter.api.Assumptions.assumeFalse(r.skipped(), r::line);
            assertTrue(r.passed(), r.line());
        }));
    }

    @Test
    void casesAreFoundByLayoutNotByName(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        // the same variant under another name, with a renamed tokenizer file and an extra AR case folder
        Path variant = tmp.resolve("some/other_model");
        copy(GOLDEN.resolve("ar_nar"), variant);
        copy(GOLDEN.resolve("ar_nar/ar_forward"), variant.resolve("ar_forward_again"));
        Files.copy(GOLDEN.resolve("tokenizer_cases.json"), tmp.resolve("tokenizer_cases_more.json"));
        List<String> lines = new ArrayList<>();
        new ConformanceSuite(null, null).run(tmp, r -> lines.add(r.line()));
        assertTrue(lines.contains("PASS some/other_model/ar_forward_again"), lines.toString());
        assertTrue(lines.contains("PASS some/other_model/nar_forward"), lines.toString());
        assertTrue(lines.contains("PASS tokenizer_cases_more.json"), lines.toString());
    }

    @Test
    void sttCasesAreFoundByLayoutNotByName(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path variant = tmp.resolve("speech/some_model");
        copy(GOLDEN.resolve("stt/ar_nar"), variant);
        copy(GOLDEN.resolve("stt/ar_nar/stt_inference_capped"), variant.resolve("stt_inference_again"));
        Files.copy(GOLDEN.resolve("stt/decode_cases.json"), tmp.resolve("decode_cases_more.json"));
        List<String> lines = new ArrayList<>();
        new ConformanceSuite(null, null).run(tmp, r -> lines.add(r.line()));
        assertTrue(lines.contains("PASS speech/some_model/stt_inference_again"), lines.toString());
        assertTrue(lines.contains("PASS decode_cases_more.json#latin1_in_merged_token"), lines.toString());
        assertEquals(13, lines.stream().filter(l -> l.startsWith("PASS ")).count(), lines.toString());
    }

    @Test
    void aWrongGoldenValueFailsNamingTheArrayAndTheWorstElement(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path variant = tmp.resolve("v");
        copy(GOLDEN.resolve("ar_nar"), variant);
        // flip one float of the golden logits: the case must fail and say where
        Path logits = variant.resolve("ar_forward/step0_logits.npy");
        byte[] raw = Files.readAllBytes(logits);
        int at = raw.length - 4 * 7;
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(at, 1234.5f);
        Files.write(logits, raw);
        List<CaseResult> results = new ConformanceSuite(null, null).run(tmp, r -> { });
        CaseResult ar = results.stream().filter(r -> r.path().equals("v/ar_forward")).findFirst().orElseThrow();
        assertTrue(!ar.passed() && ar.detail().contains("step0_logits") && ar.detail().contains("1234.5"), ar.line());
    }

    @Test
    void transformerComponentsAreSkippedWithTheReferencesReason() {
        List<CaseResult> results = new ConformanceSuite(null, null).run(GOLDEN.resolve("arch-more"), r -> { });
        List<String> skipped = results.stream().filter(CaseResult::skipped).map(CaseResult::line).toList();
        assertEquals(List.of("SKIP transformer_components/backbone the reference cannot build arch_type transformer"),
                skipped);
        assertEquals("13 passed, 0 failed, 1 skipped", CaseResult.summary(results));
    }

    @Test
    void loraVariantsPassWithTheAdapterMergedAtLoad() {
        List<CaseResult> results = new ConformanceSuite(null, null, true)
                .run(GOLDEN.resolve("arch-more/ar_nar_llama_lora"), r -> { });
        assertTrue(results.size() >= 7 && results.stream().allMatch(CaseResult::passed), results.toString());
    }

    @Test
    void anUnknownCaseKindIsReportedNotSkipped(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path variant = tmp.resolve("v");
        copy(GOLDEN.resolve("ar_nar"), variant);
        Files.createDirectories(variant.resolve("ns_inference"));
        Files.writeString(variant.resolve("ns_inference/manifest.json"), "{\"values\": {}}");
        List<CaseResult> results = new ConformanceSuite(null, null).run(tmp, r -> { });
        CaseResult stt = results.stream().filter(r -> r.path().equals("v/ns_inference")).findFirst().orElseThrow();
        assertEquals("FAIL v/ns_inference not supported: unknown case kind", stt.line());
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
    }
}
