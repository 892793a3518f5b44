package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.core.Valle;
import valle.kit.io.Json;
import valle.server.ServerConfig;
import valle.server.ValleServer;

/** {@code valle load} against a server on loopback: every request answered, the rate and percentiles reported. */
class LoadCommandTest {

    @Test
    void aLoadTestOfAServerWithSlotsReportsItsRateAndLatencies() {
        java.nio.file.Path golden = java.nio.file.Path.of("..", "valle-tck", "golden");
        try (Valle tts = Valle.builder().model(golden.resolve("ar_nar_len/model.sft"))
                .vocoder(golden.resolve("codec/weights/vocos")).slots(2).build();
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withConcurrency(2, 8))) {
            CliResult r = CliResult.run("load", "--url", server.uri().toString(), "--requests", "6", "--clients", "3",
                    "--max-duration", "20", "--json");
            assertEquals(0, r.code(), r.err() + r.out());
            Map<String, Object> json = Json.parseObject(r.out().trim(), "load output");
            assertEquals(Map.of("200", 6L), json.get("statuses"));
            double p50 = ((Number) json.get("latency_p50_s")).doubleValue();
            double p95 = ((Number) json.get("latency_p95_s")).doubleValue();
            assertTrue(p50 > 0 && p95 >= p50, json.toString());
            assertTrue(((Number) json.get("requests_per_minute")).doubleValue() > 0, json.toString());
        }
    }

    @Test
    void noServerMeansNoAnswersAndAFailingExit() {
        CliResult r = CliResult.run("load", "--url", "http://127.0.0.1:9/", "--requests", "1", "--clients", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains("no request of 1 succeeded"), r.out());
    }
}
