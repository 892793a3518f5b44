package valle.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.Valle;
import valle.core.batch.SchedulerStats;

/**
 * The server on a continuous-batching scheduler: concurrent requests get the audio each gets alone, the metrics
 * show the slots, batch sizes and time to first audio, and a client that disconnects in the middle of its request
 * frees its slot at once (at its next pass), long before the request would have ended.
 */
class SlotsTest {
    /** Many sentences of long speech: far longer than the disconnect test waits. */
    private static final String LONG_BODY = "{\"input\": \"" + "həlˈoʊ wˈɜːld.\\n".repeat(40)
            + "\", \"voice\": \"alice\", \"response_format\": \"pcm\", \"seed\": 3, \"max_duration\": 300, \"modality\": \"ar+nar\"}";

    private static String body(int seed) {
        return "{\"input\": \"" + TinyModel.TWO_SENTENCES + "\", \"voice\": \"alice\", \"response_format\": \"wav\", \"seed\": "
                + seed + ", \"max_duration\": 40, \"modality\": \"" + (seed % 2 == 0 ? "ar+nar" : "nar-len") + "\"}";
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri.resolve("v1/audio/speech")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void concurrentRequestsGetTheirAloneAudioAndTheMetricsShowTheBatching(@TempDir Path voices) throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<byte[]> alone = new ArrayList<>();
        try (Valle tts = TinyModel.open();
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices))) {
            for (int seed = 0; seed < 4; seed++) {
                alone.add(http.send(post(server.uri(), body(seed)), HttpResponse.BodyHandlers.ofByteArray()).body());
            }
        }
        try (Valle tts = TinyModel.open(4);
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                     .withConcurrency(4, 4))) {
            List<CompletableFuture<HttpResponse<byte[]>>> together = new ArrayList<>();
            for (int seed = 0; seed < 4; seed++) {
                together.add(http.sendAsync(post(server.uri(), body(seed)), HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (int seed = 0; seed < 4; seed++) {
                HttpResponse<byte[]> r = together.get(seed).get();
                assertEquals(200, r.statusCode());
                assertArrayEquals(alone.get(seed), r.body(), "seed " + seed);
            }
            String metrics = http.send(HttpRequest.newBuilder(server.uri().resolve("metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("valle_slots 4\n"), metrics);
            assertTrue(metrics.contains("valle_active_slots 0\n"), metrics);
            assertTrue(metrics.contains("valle_time_to_first_audio_seconds_count 4\n"), metrics);
            SchedulerStats stats = tts.scheduler().orElseThrow();
            assertTrue(metrics.contains("valle_batch_size_count " + stats.ticks() + "\n"), metrics);
            assertTrue(stats.sequences() > stats.ticks(), "the requests never shared a tick: " + stats);
        }
    }

    @Test
    void aClientThatDisconnectsFreesItsSlotAtItsNextPass(@TempDir Path voices) throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        try (Valle tts = TinyModel.open(1);
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices))) {
            byte[] body = LONG_BODY.getBytes(StandardCharsets.UTF_8);
            long closedAt;
            long ticksAtClose;
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                // into its first sentence: the slot is taken and passes are running
                awaitTicks(tts, 20);
                ticksAtClose = tts.scheduler().orElseThrow().ticks();
                closedAt = System.nanoTime();
            }
            while (tts.scheduler().orElseThrow().active() > 0) {
                assertTrue(System.nanoTime() - closedAt < 5_000_000_000L, "the slot was not freed after the client left");
                Thread.sleep(1);
            }
            long after = tts.scheduler().orElseThrow().ticks() - ticksAtClose;
            // 40 sentences of up to 300 AR steps each are thousands of ticks; the close is seen within a few
            assertTrue(after < 200, after + " ticks ran after the client left");
        }
    }

    private static void awaitTicks(Valle tts, long ticks) throws InterruptedException {
        long until = System.nanoTime() + 30_000_000_000L;
        while (tts.scheduler().orElseThrow().ticks() < ticks) {
            assertTrue(System.nanoTime() < until, "the request never started");
            Thread.sleep(1);
        }
    }
}
