package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.infer.CodeRequest;
import valle.core.plugin.CodecRole;
import valle.core.speech.InferenceSettings;

/**
 * 500 requests on the tiny bundled model through the facade (after a warm-up of 400), each with a decode through the codec, as a server
 * runs them: after a warm-up (JIT, pools, KV cache buffers and the heap at their working size) the process's
 * resident set stays flat within 5 %, so nothing (native memory of a backend, a cache per request) grows with
 * the requests, on the java backend and on ONNX Runtime. The build runs it in a JVM of its own whose fixed heap is
 * touched at start (valle-tck's pom), so that the first touch of a heap page late in the run does not count as
 * growth. Issue 30's soak; the heap-only counterpart is {@link ConcurrentStressTest}.
 */
@EnabledOnOs(OS.LINUX)
class ResidentMemorySoakTest {
    private static final Path VARIANT = Path.of("golden/ar_nar");
    private static final Path ENCODEC = Path.of("golden/codec/weights/encodec_hf");
    /**
     * Requests before the first reading: on the java backend the resident set takes a last step of some 15 MiB
     * after about 350 requests (the JIT's late compilations), then stays flat.
     */
    private static final int WARM_UP = 400;
    private static final int REQUESTS = WARM_UP + 500;

    @ParameterizedTest
    @ValueSource(strings = {"java", "onnx"})
    void residentMemoryStaysFlatOver500Requests(String backend) throws IOException {
        try (Valle valle = Valle.builder().model(VARIANT.resolve("model.sft")).backend(backend).build();
             AudioCodec codec = CodecRole.DECODE.choose(valle.plugins().codecs(), "encodec").open(ENCODEC)) {
            VariantInputs in = VariantInputs.read(new GoldenFolder(VARIANT.resolve("inputs")));
            long afterWarmUp = 0;
            long most = 0;
            for (int i = 0; i < REQUESTS; i++) {
                // sampled requests of varying lengths, as distinct users' would be
                InferenceSettings s = InferenceSettings.fromKwargs(Map.of("ar_temperature", 1.0, "nar_temperature", 1.0,
                        "seed", i, "max_duration", 8 + i % 17));
                Codes codes = valle.generate(new CodeRequest(in.text(), in.lang(), in.prompt(), s));
                codec.decode(codes);
                assertEquals(8, codes.levels());
                if (i + 1 == WARM_UP) {
                    afterWarmUp = residentBytes();
                } else if (i + 1 > WARM_UP) {
                    most = Math.max(most, residentBytes());
                }
            }
            double growth = (double) most / afterWarmUp - 1;
            System.out.printf("soak on %s: resident set %d MiB after the warm-up, at most %d MiB after%n", backend,
                    afterWarmUp >> 20, most >> 20);
            assertTrue(growth <= 0.05, String.format(backend + ": resident set grew by %.1f %% over %d requests after the warm-up"
                    + " (%d -> %d MiB at most)", 100 * growth, REQUESTS - WARM_UP, afterWarmUp >> 20, most >> 20));
        }
    }

    /** The process's resident set now ({@code VmRSS} of {@code /proc/self/status}). */
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("/proc/self/status has no VmRSS line");
    }
}
