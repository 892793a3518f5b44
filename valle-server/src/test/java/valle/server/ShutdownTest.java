package valle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.Valle;
import valle.core.audio.WavFile;
import valle.kit.io.Json;

/** Shutdown lets a running request finish, and a request past its deadline is answered with 504. */
class ShutdownTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpRequest speech(ValleServer server, String json) {
        return HttpRequest.newBuilder(server.uri().resolve("v1/audio/speech")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Test
    void aRunningRequestFinishesBeforeTheServerStops(@TempDir Path voices) throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        try (Valle tts = TinyModel.open()) {
            ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices));
            // several sentences with a prompt: long enough to be running when shutdown starts
            String text = "həlˈoʊ. ".repeat(6);
            CompletableFuture<HttpResponse<byte[]>> running = HTTP.sendAsync(speech(server,
                    "{\"input\": \"" + text + "\", \"voice\": \"alice\", \"response_format\": \"wav\", \"max_duration\": 120}"), HttpResponse.BodyHandlers.ofByteArray());
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (((Number) health(server).get("running")).intValue() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            java.net.URI address = server.uri();
            server.close();
            HttpResponse<byte[]> r = running.get();
            assertEquals(200, r.statusCode());
            assertTrue(WavFile.parse(r.body(), "speech").frames() > 0);
            assertThrows(IOException.class, () -> HTTP.send(HttpRequest.newBuilder(address.resolve("health")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
    }

    @Test
    void aRequestPastItsDeadlineIs504(@TempDir Path voices) throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        try (Valle tts = TinyModel.open();
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                     .withRequestTimeout(java.time.Duration.ofMillis(1)))) {
            HttpResponse<String> r = HTTP.send(speech(server, "{\"input\": \"həlˈoʊ.\", \"voice\": \"alice\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(504, r.statusCode(), r.body());
            assertTrue(r.body().contains("timeout_error"), r.body());
        }
    }

    private static java.util.Map<String, Object> health(ValleServer server) throws Exception {
        return Json.parseObject(HTTP.send(HttpRequest.newBuilder(server.uri().resolve("health")).build(),
                HttpResponse.BodyHandlers.ofString()).body(), "health");
    }
}
