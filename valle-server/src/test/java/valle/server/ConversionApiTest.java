package valle.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.kit.io.Json;

/** The voice-conversion endpoint on loopback: the same audio as {@link Valle#convert}, errors as one message. */
class ConversionApiTest {
    @TempDir
    static Path voices;
    private static Valle valle;
    private static ValleServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        valle = TinyModel.open();
        server = ValleServer.start(valle, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                .withModelId("ar_nar_len").withLimits(4 * 1024 * 1024, 200));
    }

    @AfterAll
    static void stop() {
        server.close();
        valle.close();
    }

    @Test
    void theConvertedWavIsWhatTheFacadeMakes() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("input", "həlˈoʊ wˈɜːld.", "voice", "alice", "seed", "3"));
        HttpResponse<byte[]> r = post(fields, "source.wav", Files.readAllBytes(TinyModel.PROMPT));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("audio/wav", r.headers().firstValue("Content-Type").orElseThrow());

        Codes source = valle.voice(TinyModel.PROMPT).codes();
        Map<String, Object> kwargs = new java.util.HashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", 3L);
        kwargs.put("max_duration", Math.max(((Number) kwargs.get("max_duration")).intValue(), source.frames()));
        SpeechRequest request = new SpeechRequest("həlˈoʊ wˈɜːld.", SpeechRequest.Input.TEXT, "en",
                valle.voice(voices.resolve("alice.wav")), InferenceSettings.fromKwargs(kwargs));
        byte[] direct = valle.convert(request, source, SpeechListener.NONE).wav();
        assertArrayEquals(direct, r.body());
        // one sentence, as long as the source
        assertEquals(source.frames(), valle.convert(request, source, SpeechListener.NONE).codes().frames());
    }

    @Test
    void inputPromptLengthRepeatsTheVoiceAsForSpeech() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("input", "həlˈoʊ wˈɜːld.", "voice", "alice", "seed", "3",
                "input_prompt_length", "1.5"));
        HttpResponse<byte[]> r = post(fields, "source.wav", Files.readAllBytes(TinyModel.PROMPT));
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));

        Codes source = valle.voice(TinyModel.PROMPT).codes();
        Map<String, Object> kwargs = new java.util.HashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", 3L);
        kwargs.put("max_duration", Math.max(((Number) kwargs.get("max_duration")).intValue(), source.frames()));
        SpeechRequest request = new SpeechRequest("həlˈoʊ wˈɜːld.", SpeechRequest.Input.TEXT, "en",
                valle.voice(voices.resolve("alice.wav")).repeatedTo(1.5), InferenceSettings.fromKwargs(kwargs));
        assertArrayEquals(valle.convert(request, source, SpeechListener.NONE).wav(), r.body());

        byte[] wav = Files.readAllBytes(TinyModel.PROMPT);
        assertError(post(Map.of("input", "hello", "input_prompt_length", "long"), "source.wav", wav),
                "'input_prompt_length' must be a number");
        assertError(post(Map.of("input", "hello", "input_prompt_length", "-1"), "source.wav", wav),
                "'input_prompt_length' must be 0");
    }

    @Test
    void missingTextOrSourceIs400() throws Exception {
        byte[] wav = Files.readAllBytes(TinyModel.PROMPT);
        assertError(post(Map.of("voice", "alice"), "source.wav", wav), "'input' must be the text the source says");
        assertError(post(Map.of("input", "hello"), null, null), "multipart form field 'file'");
        assertError(post(Map.of("input", "hello"), "notes.txt", "hello".getBytes(StandardCharsets.UTF_8)), "not a WAV file");
        assertError(post(Map.of("input", "hello", "seed", "x"), "source.wav", wav), "'seed' must be an integer");
    }

    private static void assertError(HttpResponse<byte[]> r, String part) {
        assertEquals(400, r.statusCode());
        Map<String, Object> body = Json.parseObject(new String(r.body(), StandardCharsets.UTF_8), "error body");
        String message = (String) ((Map<?, ?>) body.get("error")).get("message");
        assertTrue(message.contains(part), message);
    }

    private static HttpResponse<byte[]> post(Map<String, String> fields, String filename, byte[] file) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("v1/audio/conversions"))
                .header("Content-Type", MultipartBody.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(MultipartBody.of(fields, filename, file))).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
