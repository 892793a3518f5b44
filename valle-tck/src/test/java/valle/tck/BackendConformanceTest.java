package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import valle.api.PluginNotFoundException;
import valle.core.Valle;

/**
 * The model goldens on every backend: the llama variants pass on each, the arches a backend does not provide
 * are skipped, never failed and never silently run on java.
 */
class BackendConformanceTest {
    private static final Path GOLDEN = BundledGoldensTest.GOLDEN;

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "djl"})
    void everyLlamaCasePassesOnEveryBackend(String backend) {
        for (String variant : List.of("ar_nar", "ar_nar_len")) {
            List<CaseResult> results = new ConformanceSuite(null, null, backend).run(GOLDEN.resolve(variant), r -> { });
            assertTrue(results.size() >= 5, variant + ": only " + results.size() + " cases");
            for (CaseResult r : results) {
                assertTrue(r.passed(), backend + ": " + r.line());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "djl"})
    void variantsOfAnArchTheBackendLacksAreSkipped(String backend) {
        List<CaseResult> results = new ConformanceSuite(null, null, backend).run(GOLDEN.resolve("arch"), r -> { });
        assertTrue(!results.isEmpty());
        for (CaseResult r : results) {
            assertTrue(r.skipped() && !r.failed(), r.line());
            assertTrue(r.line().matches("SKIP ar_nar_(mamba|retnet)/\\S+ arch '(mamba|retnet)' has no provider on backend '"
                    + backend + "'"), r.line());
        }
    }

    @Test
    void eachBackendRunsItsOwnLlamaAndAutoTakesTheHighestPriority() {
        Path model = GOLDEN.resolve("ar_nar/model.sft");
        for (String backend : List.of("java", "onnx", "djl")) {
            try (Valle valle = Valle.builder().model(model).backend(backend).build()) {
                assertEquals(backend, backendOf(valle), backend);
            }
        }
        try (Valle valle = Valle.builder().model(model).backend("auto").build()) {
            assertEquals("onnx", backendOf(valle));
        }
    }

    @Test
    void anUnknownBackendIsRefusedNamingTheOnesThatExist() {
        PluginNotFoundException e = org.junit.jupiter.api.Assertions.assertThrows(PluginNotFoundException.class,
                () -> Valle.builder().model(GOLDEN.resolve("ar_nar/model.sft")).backend("onxx").build());
        assertTrue(e.getMessage().startsWith("no plugin runs on backend 'onxx'. Backends here: djl, java, onnx (or auto)."),
                e.getMessage());
    }

    /** The backbone's class is the only trace of which provider opened it. */
    private static String backendOf(Valle valle) {
        String type = valle.model().backbone().getClass().getName();
        return type.startsWith("valle.backend.onnx.") ? "onnx" : type.startsWith("valle.backend.djl.") ? "djl" : "java";
    }
}
