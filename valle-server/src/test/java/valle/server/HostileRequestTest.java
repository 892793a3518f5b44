package valle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.Valle;
import valle.kit.io.Json;
import valle.tck.hostile.HostileCorpus;
import valle.tck.hostile.HostileFile;

/**
 * The server under hostile input: every hostile WAV class of the reliability corpus uploaded as a voice, malformed
 * JSON bodies and malformed multipart bodies each get one 4xx JSON error, nothing is saved, and the server still
 * answers speech afterwards.
 */
class HostileRequestTest {
    @TempDir
    static Path voices;
    @TempDir
    static Path corpus;
    private static Valle tts;
    private static ValleServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String BOUNDARY = "----valle-hostile";

    @BeforeAll
    static void start() {
        tts = TinyModel.open();
        server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                .withModelId("ar_nar_len").withLimits(64 * 1024, 200));
    }

    @AfterAll
    static void stop() {
        server.close();
        tts.close();
    }

    @Test
    void everyHostileWavUploadIsRefusedWithItsMessageAndLeavesNothing() throws Exception {
        List<HostileFile> wavs = HostileCorpus.write(TinyModel.GOLDEN, corpus).stream()
                .filter(f -> f.kind() == HostileFile.Kind.WAV).toList();
        assertTrue(wavs.size() >= 10, "the corpus has its WAV classes: " + wavs);
        for (HostileFile f : wavs) {
            String name = "h_" + f.name().replaceAll("[^A-Za-z0-9_-]", "_");
            HttpResponse<byte[]> r = multipart(part("name", null, name.getBytes(StandardCharsets.UTF_8)), part("file", f.file().getFileName().toString(), Files.readAllBytes(f.file())));
            assertOneError(r, 400, f.name());
            assertTrue(message(r).contains(f.expected()), f.name() + ": " + message(r));
        }
        assertNothingSavedAndStillHealthy();
    }

    @Test
    void malformedJsonBodiesGetOne400Each() throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        Stream.of("", "{", "{\"input\": ", "{\"input\": \"həlˈoʊ.\"}}", "[\"input\"]", "null", "\"input\"",
                "{\"input\": \"həlˈoʊ.\", \"input\": }", "{'input': 'hello'}", "{\"input\": 12}",
                "{\"input\": \"həlˈoʊ.\", \"speed\": \"fast\"}", "{\"input\": \"həlˈoʊ.\", \"voice\": [\"alloy\"]}",
                "{\"input\": \"həlˈoʊ.\", \"seed\": 1e999999}", "{\"input\": \"\\ud800\\uZZZZ\"}",
                "[".repeat(20_000), "{\"a\":".repeat(5_000))
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).forEach(bodies::add);
        bodies.add(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '{'});
        bodies.add(new byte[] {'{', '"', 'i', 'n', 'p', 'u', 't', '"', ':', '"', (byte) 0xc3, '"', '}'});
        for (byte[] body : bodies) {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/audio/speech"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), BodyHandlers.ofByteArray());
            String shown = new String(body, 0, Math.min(40, body.length), StandardCharsets.UTF_8);
            assertOneError(r, 400, shown);
        }
        byte[] big = ("{\"input\": \"" + "a".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> chunked = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/audio/speech"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big))).build(), BodyHandlers.ofByteArray());
        assertOneError(chunked, 413, "a chunked body over the limit");
        assertNothingSavedAndStillHealthy();
    }

    @Test
    void malformedMultipartBodiesGetOne4xxEach() throws Exception {
        byte[] wav = Files.readAllBytes(TinyModel.PROMPT);
        String file = part("file", "v.wav", wav);
        String end = "--" + BOUNDARY + "--\r\n";
        Map<String, String> bodies = Map.of(
                "truncated before its end", part("name", null, "x".getBytes(StandardCharsets.UTF_8))
                        + file.substring(0, file.length() / 2),
                "no closing boundary", part("name", null, "x".getBytes(StandardCharsets.UTF_8)) + file,
                "garbage", "this is not multipart at all",
                "empty", "",
                "no file field", part("name", null, "x".getBytes(StandardCharsets.UTF_8)) + end,
                "a part without a header", "--" + BOUNDARY + "\r\n\r\nbody\r\n" + end,
                "a bad voice name", part("name", null, "../../etc".getBytes(StandardCharsets.UTF_8)) + file + end);
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            HttpResponse<byte[]> r = post("multipart/form-data; boundary=" + BOUNDARY, e.getValue());
            assertOneError(r, -4, e.getKey());
        }
        assertOneError(post("multipart/form-data", file + end), -4, "no boundary");
        // over the body limit (64 KiB here) without a Content-Length to refuse it by: chunked, as a stream is sent
        String big = part("file", "big.wav", new byte[70 * 1024]) + end;
        HttpResponse<byte[]> chunked = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/voices"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.ISO_8859_1)))).build(), BodyHandlers.ofByteArray());
        assertOneError(chunked, 413, "a chunked upload over the limit");
        assertOneError(post("application/json", "{\"file\": \"x\"}"), -4, "not multipart");
        assertNothingSavedAndStillHealthy();
    }

    @Test
    void malformedMultipartBodiesToTheTranscriptionAndConversionEndpointsGetOne400Each() throws Exception {
        byte[] wav = Files.readAllBytes(TinyModel.PROMPT);
        String file = part("file", "v.wav", wav);
        for (String path : List.of("v1/audio/transcriptions", "v1/audio/conversions")) {
            Map<String, String> bodies = Map.of(
                    "truncated before its end", file.substring(0, file.length() / 2),
                    "no closing boundary", file,
                    "garbage", "this is not multipart at all");
            for (Map.Entry<String, String> e : bodies.entrySet()) {
                HttpResponse<byte[]> r = post(path, "multipart/form-data; boundary=" + BOUNDARY, e.getValue());
                assertOneError(r, 400, path + ", " + e.getKey());
                assertTrue(message(r).startsWith("the body is not a valid multipart form"), message(r));
            }
        }
        assertNothingSavedAndStillHealthy();
    }

    /** The folder is still empty, the list has only {@code default}, and a speech request still gets audio. */
    private static void assertNothingSavedAndStillHealthy() throws Exception {
        try (Stream<Path> files = Files.list(voices)) {
            assertEquals(List.of(), files.toList(), "nothing saved");
        }
        HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/voices")).build(),
                BodyHandlers.ofString());
        assertEquals(1, ((List<?>) Json.parseObject(list.body(), "voices").get("data")).size(), list.body());
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("health")).build(),
                BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        HttpResponse<byte[]> speech = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/audio/speech"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"həlˈoʊ.\", \"response_format\": \"pcm\","
                        + " \"max_duration\": 10}")).build(), BodyHandlers.ofByteArray());
        assertEquals(200, speech.statusCode());
        assertTrue(speech.body().length > 0);
    }

    /** One JSON error of {@code status} (or of any 4xx for -4) with a non-empty message. */
    private static void assertOneError(HttpResponse<byte[]> r, int status, String what) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (status == -4) {
            assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, what + ": " + r.statusCode() + " " + body);
        } else {
            assertEquals(status, r.statusCode(), what + ": " + body);
        }
        Map<?, ?> error = (Map<?, ?>) Json.parseObject(body, what).get("error");
        assertFalse(((String) error.get("message")).isBlank(), what + ": " + body);
        assertFalse(((String) error.get("message")).contains("\n"), what + ": one line, got " + body);
    }

    private static String message(HttpResponse<byte[]> r) {
        return (String) ((Map<?, ?>) Json.parseObject(new String(r.body(), StandardCharsets.UTF_8), "error")
                .get("error")).get("message");
    }

    /** One form part; its bytes are carried in ISO-8859-1 so that any byte survives the string. */
    private static String part(String field, String filename, byte[] content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"\r\nContent-Type: audio/wav") + "\r\n\r\n"
                + new String(content, StandardCharsets.ISO_8859_1) + "\r\n";
    }

    private static HttpResponse<byte[]> multipart(String... parts) throws Exception {
        return post("multipart/form-data; boundary=" + BOUNDARY, String.join("", parts) + "--" + BOUNDARY + "--\r\n");
    }

    private static HttpResponse<byte[]> post(String contentType, String body) throws Exception {
        return post("v1/voices", contentType, body);
    }

    private static HttpResponse<byte[]> post(String path, String contentType, String body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(body.getBytes(StandardCharsets.ISO_8859_1));
        return HTTP.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray())).build(), BodyHandlers.ofByteArray());
    }
}
