package valle.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.models.audio.speech.SpeechCreateParams;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.Valle;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Speech;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;
import valle.kit.io.Json;

/**
 * What an existing OpenAI client sends works as it would against OpenAI: its defaults (mp3, alloy), every
 * format (decoded by the format's standard program to the length of the speech), server-sent events, OpenAI's
 * voice names and voice objects, {@code instructions}, and OpenAI's error shape.
 */
class OpenAiDropInTest {
    @TempDir
    static Path voices;
    @TempDir
    Path tmp;
    private static Valle tts;
    private static ValleServer server;
    private static final int MAX_DURATION = 40;
    private static final String TEXT = TinyModel.TWO_SENTENCES;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        Files.writeString(voices.resolve(OpenAiVoices.FILE), "{\"nova\": \"alice\"}");
        tts = TinyModel.open();
        server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                .withModelId("ar_nar_len").withLimits(64 * 1024, 200));
    }

    @AfterAll
    static void stop() {
        server.close();
        tts.close();
    }

    private static Speech direct(Voice voice, long seed) {
        Map<String, Object> kwargs = new HashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", seed);
        kwargs.put("max_duration", MAX_DURATION);
        return tts.speak(new SpeechRequest(TEXT, SpeechRequest.Input.TEXT, "en", voice, InferenceSettings.fromKwargs(kwargs)));
    }

    private static String body(String voice, String format, long seed, String more) {
        return "{\"model\": \"tts-1\", \"input\": \"" + TEXT + "\", \"voice\": " + voice + ", \"response_format\": \""
                + format + "\", \"seed\": " + seed + ", \"max_duration\": " + MAX_DURATION + more + "}";
    }

    @Test
    void theOpenAiClientWithItsDefaultsGetsMp3InTheDefaultVoice() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.uri() + "v1").apiKey("not-needed").build();
        SpeechCreateParams params = SpeechCreateParams.builder()
                .model("gpt-4o-mini-tts")
                .input(TEXT)
                .voice(SpeechCreateParams.Voice.ALLOY)
                .putAdditionalBodyProperty("seed", JsonValue.from(3))
                .putAdditionalBodyProperty("max_duration", JsonValue.from(MAX_DURATION))
                .build();
        byte[] mp3;
        try (HttpResponse response = client.audio().speech().create(params); InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            assertEquals("audio/mpeg", response.headers().values("Content-Type").getFirst());
            assertEquals("default", response.headers().values("X-Valle-Voice").getFirst());
            mp3 = body.readAllBytes();
        }
        int frames = direct(Voice.NONE, 3).samples().length;
        int got = StandardDecoder.MP3.decode(mp3, tmp).frames();
        assertTrue(got >= frames && got <= frames + 1105 + 2 * 576, "mp3 decoded to " + got + " for " + frames);
    }

    @Test
    void everyFormatDecodesWithItsStandardDecoderToTheSpeechsLength() throws Exception {
        float[] want = direct(Voice.NONE, 5).samples();
        for (AudioFormat format : List.of(AudioFormat.FLAC, AudioFormat.OPUS, AudioFormat.MP3)) {
            java.net.http.HttpResponse<byte[]> r = post(body("\"alloy\"", format.name().toLowerCase(), 5, ""));
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertEquals(format.mime(), r.headers().firstValue("Content-Type").orElseThrow());
            PcmAudio decoded = StandardDecoder.of(format).decode(r.body(), tmp);
            assertEquals(24000, decoded.sampleRate());
            switch (format) {
                case FLAC -> assertArrayEquals(WavFile.encodeSamples(want, WavFile.Encoding.PCM16),
                        WavFile.encodeSamples(decoded.channels()[0], WavFile.Encoding.PCM16), "FLAC is lossless");
                case OPUS -> assertEquals(want.length, decoded.frames(), "Opus trims its delay and padding");
                default -> assertTrue(decoded.frames() >= want.length && decoded.frames() <= want.length + 1105 + 2 * 576,
                        "mp3 decoded to " + decoded.frames() + " for " + want.length);
            }
        }
    }

    @Test
    void sseEventsCarryTheSameAudioAsTheRawStreamAndEndWithUsage() throws Exception {
        for (String format : List.of("mp3", "wav")) {
            byte[] raw = post(body("\"alice\"", format, 9, "")).body();
            java.net.http.HttpResponse<byte[]> r = post(body("\"alice\"", format, 9, ", \"stream_format\": \"sse\""));
            assertEquals(200, r.statusCode());
            assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElseThrow());
            ByteArrayOutputStream audio = new ByteArrayOutputStream();
            Map<?, ?> usage = null;
            int deltas = 0;
            for (String event : new String(r.body(), StandardCharsets.UTF_8).split("\n\n")) {
                String data = event.lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6);
                Map<String, Object> json = Json.parseObject(data, "event");
                assertNull(usage, "nothing after speech.audio.done");
                assertTrue(event.startsWith("event: " + json.get("type") + "\n"), event);
                switch ((String) json.get("type")) {
                    case "speech.audio.delta" -> {
                        audio.writeBytes(Base64.getDecoder().decode((String) json.get("audio")));
                        deltas++;
                    }
                    case "speech.audio.done" -> usage = (Map<?, ?>) json.get("usage");
                    default -> throw new AssertionError("unexpected event " + event);
                }
            }
            assertTrue(deltas >= 2, "one delta per sentence at least, got " + deltas);
            assertArrayEquals(raw, audio.toByteArray(), format);
            assertEquals(TEXT.codePointCount(0, TEXT.length()), ((Number) usage.get("input_tokens")).intValue());
            assertEquals(((Number) usage.get("input_tokens")).intValue() + ((Number) usage.get("output_tokens")).intValue(),
                    ((Number) usage.get("total_tokens")).intValue());
        }
    }

    @Test
    void openAiVoiceNamesFollowTheMappingAndVoiceObjectsAreAccepted() throws Exception {
        float[] alice = direct(tts.voice(TinyModel.PROMPT), 4).samples();
        for (String voice : List.of("\"nova\"", "{\"id\": \"nova\"}", "{\"id\": \"alice\"}")) {
            java.net.http.HttpResponse<byte[]> r = post(body(voice, "wav", 4, ""));
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("alice", r.headers().firstValue("X-Valle-Voice").orElseThrow());
            assertArrayEquals(alice, WavFile.parse(r.body(), voice).channels()[0], voice);
        }
        Map<String, Object> listed = Json.parseObject(HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/voices"))
                .build(), BodyHandlers.ofString()).body(), "voices");
        Map<?, ?> mapping = (Map<?, ?>) listed.get("openai");
        assertEquals(OpenAiVoices.NAMES, List.copyOf(mapping.keySet().stream().map(String::valueOf).toList()));
        assertEquals("alice", mapping.get("nova"));
        assertEquals("default", mapping.get("shimmer"));
    }

    @Test
    void instructionsAreAcceptedIgnoredAndSaidSo() throws Exception {
        java.net.http.HttpResponse<byte[]> r = post(body("\"alloy\"", "pcm", 1, ", \"instructions\": \"Speak cheerfully.\""));
        assertEquals(200, r.statusCode());
        assertEquals("ignored", r.headers().firstValue(SpeechEndpoint.INSTRUCTIONS_HEADER).orElseThrow());
        assertArrayEquals(WavFile.encodeSamples(direct(Voice.NONE, 1).samples(), WavFile.Encoding.PCM16), r.body());
        assertTrue(post(body("\"alloy\"", "pcm", 1, "")).headers().firstValue(SpeechEndpoint.INSTRUCTIONS_HEADER).isEmpty());
    }

    @Test
    void errorsHaveOpenAisShapeAndNameTheParameter() throws Exception {
        assertParamError(body("\"alloy\"", "aac", 1, ""), "response_format", "'aac' is not supported");
        assertParamError(body("\"alloy\"", "ogg", 1, ""), "response_format", "'mp3', 'opus', 'flac', 'wav', 'pcm'");
        assertParamError(body("\"alloy\"", "mp3", 1, ", \"speed\": 4.5"), "speed", "0.25 to 4.0");
        assertParamError(body("\"alloy\"", "mp3", 1, ", \"stream_format\": \"ws\""), "stream_format", "'sse'");
        assertParamError(body("{\"name\": \"alloy\"}", "mp3", 1, ""), "voice", "{\"id\": \"name\"}");
        assertParamError(body("\"alloy\"", "mp3", 1, ", \"model\": \"tts-2\"").replace("\"model\": \"tts-1\", ", ""),
                "model", "tts-1-hd");
        assertParamError("{\"input\": \"" + "a".repeat(201) + "\"}", "input", "the most is 200");
    }

    private static void assertParamError(String body, String param, String message) throws Exception {
        java.net.http.HttpResponse<byte[]> r = post(body);
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(400, r.statusCode(), text);
        Map<?, ?> error = (Map<?, ?>) Json.parseObject(text, "error").get("error");
        assertEquals("invalid_request_error", error.get("type"), text);
        assertEquals(param, error.get("param"), text);
        assertTrue(error.containsKey("code"), text);
        assertTrue(((String) error.get("message")).contains(message), text);
    }

    private static java.net.http.HttpResponse<byte[]> post(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/audio/speech"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), BodyHandlers.ofByteArray());
    }
}
