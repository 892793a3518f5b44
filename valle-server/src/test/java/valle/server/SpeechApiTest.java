package valle.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.models.audio.speech.SpeechCreateParams;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

/** The speech API on loopback, called by OpenAI's own Java client and by plain HTTP. */
class SpeechApiTest {
    @TempDir
    static Path voices;
    private static Valle tts;
    private static ValleServer server;
    /** The random tiny model predicts long durations for a prompt; a cap keeps the tests quick. */
    static final int MAX_DURATION = 60;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        tts = TinyModel.open();
        server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                .withModelId("ar_nar_len").withLimits(64 * 1024, 200));
    }

    @AfterAll
    static void stop() {
        server.close();
        tts.close();
    }

    /** What {@code valle speak} makes for the text, voice and seed: the command line's defaults with that seed. */
    private static Speech direct(String text, Voice voice, long seed) {
        Map<String, Object> kwargs = new java.util.HashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", seed);
        kwargs.put("max_duration", MAX_DURATION);
        return tts.speak(new SpeechRequest(text, SpeechRequest.Input.TEXT, "en", voice, InferenceSettings.fromKwargs(kwargs)));
    }

    @Test
    void theOpenAiClientGetsTheSpeechThatSpeakMakes() throws Exception {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.uri() + "v1").apiKey("not-needed").build();
        SpeechCreateParams params = SpeechCreateParams.builder()
                .model("tts-1")
                .input(TinyModel.TWO_SENTENCES)
                .voice("alice")
                .responseFormat(SpeechCreateParams.ResponseFormat.WAV)
                .putAdditionalBodyProperty("seed", JsonValue.from(7))
                .putAdditionalBodyProperty("max_duration", JsonValue.from(MAX_DURATION))
                .build();
        byte[] wav;
        try (HttpResponse response = client.audio().speech().create(params); InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            wav = body.readAllBytes();
        }
        PcmAudio got = WavFile.parse(wav, "response");
        assertEquals(24000, got.sampleRate());
        Speech want = direct(TinyModel.TWO_SENTENCES, tts.voice(TinyModel.PROMPT), 7);
        assertEquals(320 * want.codes().frames(), got.frames());
        assertArrayEquals(want.samples(), got.channels()[0]);

        // raw PCM: the same samples as 16-bit
        HttpResponse pcm = client.audio().speech().create(params.toBuilder()
                .responseFormat(SpeechCreateParams.ResponseFormat.PCM).build());
        byte[] raw;
        try (pcm; InputStream body = pcm.body()) {
            raw = body.readAllBytes();
        }
        assertArrayEquals(WavFile.encodeSamples(want.samples(), WavFile.Encoding.PCM16), raw);
    }

    @Test
    void modelsVoicesHealthAndMetricsAnswer() throws Exception {
        Map<String, Object> models = getJson("v1/models", 200);
        assertEquals("ar_nar_len", ((Map<?, ?>) ((List<?>) models.get("data")).getFirst()).get("id"));
        List<?> list = (List<?>) getJson("v1/voices", 200).get("data");
        assertEquals("default", ((Map<?, ?>) list.getFirst()).get("name"));
        assertTrue(list.stream().anyMatch(v -> "alice".equals(((Map<?, ?>) v).get("name"))), list.toString());
        assertEquals("ok", getJson("health", 200).get("status"));
        post("{\"input\": \"həlˈoʊ.\", \"seed\": 1}");
        String metrics = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("metrics")).build(), BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("valle_requests_total{status=\"200\"}"), metrics);
        assertTrue(metrics.contains("valle_request_duration_seconds_count"), metrics);
        assertTrue(metrics.contains("valle_queue_length 0"), metrics);
        String page = HTTP.send(HttpRequest.newBuilder(server.uri()).build(), BodyHandlers.ofString()).body();
        assertTrue(page.contains("/v1/audio/speech") && page.contains("id=\"play\""));
    }

    @Test
    void mistakesAreJsonErrorsWithTheRightStatus() throws Exception {
        assertError(post("{\"input\": \"həlˈoʊ.\", \"voice\": \"nobody\"}"), 404, "unknown voice 'nobody'");
        assertError(post("{\"input\": \"həlˈoʊ.\", \"voice\": \"../alice\"}"), 404, "unknown voice");
        assertError(post("{\"input\": \"həlˈoʊ.\", \"response_format\": \"aac\"}"), 400, "'aac' is not supported");
        assertError(post("{\"input\": \"\"}"), 400, "'input' must be the text to say");
        assertError(post("{\"input\": \"" + "a".repeat(201) + "\"}"), 400, "the most is 200");
        assertError(post("not json"), 400, "JSON object");
        assertError(post("{\"input\": \"həlˈoʊ.\", \"model\": \"gpt-9\"}"), 400, "unknown model 'gpt-9'");
        assertError(post("{\"input\": \"həlˈoʊ.\", \"top_kk\": 3}"), 400, "unknown sampling setting 'top_kk'");
        assertError(post("{\"input\": \"həlˈoʊ.\", \"language\": \"xx\"}"), 400, "unknown language 'xx'");
        assertError(post("{\"input\": \"...\"}"), 400, "no words to speak");
        // a body over the limit is refused from its Content-Length; a client that waits for "100 Continue" (as curl
        // does for large bodies) gets the 413 without sending it, one that does not may see the connection close
        // while it is still writing (a broken pipe instead of the answer)
        HttpRequest oversized = HttpRequest.newBuilder(server.uri().resolve("v1/audio/speech")).expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"" + "x".repeat(70 * 1024) + "\"}")).build();
        assertError(HTTP.send(oversized, BodyHandlers.ofByteArray()), 413, "the most is 65536");
        assertError(HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/nothing")).build(), BodyHandlers.ofString()),
                404, "no such endpoint");
    }

    @Test
    void languageAutoIsTheFacadesAuto() throws Exception {
        java.net.http.HttpResponse<byte[]> spoken = post("{\"input\": \"" + TinyModel.TWO_SENTENCES + "\", \"voice\": \"alice\", "
                + "\"language\": \"auto\", \"response_format\": \"wav\", \"seed\": 4, \"max_duration\": " + MAX_DURATION + "}");
        assertEquals(200, spoken.statusCode(), new String(spoken.body(), StandardCharsets.UTF_8));
        Map<String, Object> kwargs = new java.util.HashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", 4L);
        kwargs.put("max_duration", MAX_DURATION);
        Speech want = tts.speak(new SpeechRequest(TinyModel.TWO_SENTENCES, SpeechRequest.Input.TEXT, "auto",
                tts.voice(TinyModel.PROMPT), InferenceSettings.fromKwargs(kwargs)));
        assertArrayEquals(want.samples(), WavFile.parse(spoken.body(), "auto").channels()[0]);
    }

    @Test
    void splitTextByLinesSpeaksEachLineAsOneUtteranceAsTheFacadeDoes() throws Exception {
        Map<String, Object> kwargs = new java.util.HashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", 5L);
        kwargs.put("max_duration", MAX_DURATION);
        Voice alice = tts.voice(TinyModel.PROMPT);
        for (SpeechRequest.Input input : new SpeechRequest.Input[] {SpeechRequest.Input.TEXT, SpeechRequest.Input.TEXT_LINES}) {
            String delimiter = input == SpeechRequest.Input.TEXT ? "sentences" : "lines";
            java.net.http.HttpResponse<byte[]> spoken = post("{\"input\": \"" + TinyModel.TWO_SENTENCES + "\", \"voice\": \"alice\", "
                    + "\"response_format\": \"wav\", \"seed\": 5, \"max_duration\": " + MAX_DURATION
                    + ", \"split_text_by\": \"" + delimiter + "\"}");
            assertEquals(200, spoken.statusCode(), new String(spoken.body(), StandardCharsets.UTF_8));
            Speech want = tts.speak(new SpeechRequest(TinyModel.TWO_SENTENCES, input, "en", alice,
                    InferenceSettings.fromKwargs(kwargs)));
            assertArrayEquals(want.samples(), WavFile.parse(spoken.body(), delimiter).channels()[0], delimiter);
        }
        // the two sentences stand on one line: as lines they are one utterance, as sentences two
        assertEquals(2, tts.speak(new SpeechRequest(TinyModel.TWO_SENTENCES, SpeechRequest.Input.TEXT, "en", alice,
                InferenceSettings.fromKwargs(kwargs))).sentences().size());
        assertEquals(1, tts.speak(new SpeechRequest(TinyModel.TWO_SENTENCES, SpeechRequest.Input.TEXT_LINES, "en", alice,
                InferenceSettings.fromKwargs(kwargs))).sentences().size());
        java.net.http.HttpResponse<byte[]> bad = post("{\"input\": \"həlˈoʊ.\", \"split_text_by\": \"words\"}");
        assertError(bad, 400, "'split_text_by' must be \"sentences\" or \"lines\", got 'words'");
    }

    @Test
    void outputLanguageChangesTheTokenAsTheFacadeDoesAndNsSrSpeakAsTts() throws Exception {
        Voice alice = tts.voice(TinyModel.PROMPT);
        String common = "{\"input\": \"həlˈoʊ wˈɜːld.\", \"voice\": \"alice\", \"response_format\": \"wav\", \"seed\": 6, "
                + "\"max_duration\": " + MAX_DURATION;
        java.net.http.HttpResponse<byte[]> german = post(common + ", \"output_language\": \"de\"}");
        assertEquals(200, german.statusCode(), new String(german.body(), StandardCharsets.UTF_8));
        Speech plain = direct("həlˈoʊ wˈɜːld.", alice, 6);
        Map<String, Object> kwargs = new java.util.HashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", 6L);
        kwargs.put("max_duration", MAX_DURATION);
        Speech want = tts.speak(new SpeechRequest("həlˈoʊ wˈɜːld.", SpeechRequest.Input.TEXT, "en", alice,
                InferenceSettings.fromKwargs(kwargs)).withOutputLanguage("de"));
        assertFalse(java.util.Arrays.equals(plain.codes().data(), want.codes().data()), "the tiny model tells tokens 0 and 2 apart");
        assertArrayEquals(want.samples(), WavFile.parse(german.body(), "de").channels()[0]);
        assertError(post(common + ", \"output_language\": \"xx\"}"), 400, "unknown language 'xx'");

        for (String task : new String[] {"tts", "ns", "sr"}) {
            java.net.http.HttpResponse<byte[]> r = post(common + ", \"task\": \"" + task + "\"}");
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertArrayEquals(plain.samples(), WavFile.parse(r.body(), task).channels()[0], task);
            assertEquals(!task.equals("tts"), r.headers().firstValue(SpeechEndpoint.TASK_HEADER)
                    .filter(note -> note.contains("runs plain text-to-speech")).isPresent(), task);
        }
        assertError(post(common + ", \"task\": \"vc\"}"), 400, "/v1/audio/conversions");
        assertError(post(common + ", \"task\": \"nr\"}"), 400, "unknown task 'nr'");
    }

    @Test
    void inputPromptLengthRepeatsOrTrimsTheVoiceAsTheFacadeDoes() throws Exception {
        Voice alice = tts.voice(TinyModel.PROMPT);
        // the recording is 0.4 s: 1.5 s repeats it, 0.2 s cuts it
        for (double seconds : new double[] {1.5, 0.2}) {
            assertTrue(alice.repeatedTo(seconds).codes().frames() != alice.codes().frames(), "the length changes the prompt");
            java.net.http.HttpResponse<byte[]> spoken = post("{\"input\": \"həlˈoʊ.\", \"voice\": \"alice\", \"response_format\": "
                    + "\"wav\", \"seed\": 3, \"max_duration\": " + MAX_DURATION + ", \"input_prompt_length\": " + seconds + "}");
            assertEquals(200, spoken.statusCode(), new String(spoken.body(), StandardCharsets.UTF_8));
            assertArrayEquals(direct("həlˈoʊ.", alice.repeatedTo(seconds), 3).samples(),
                    WavFile.parse(spoken.body(), "alice").channels()[0], seconds + " s");
        }
        // 0 keeps the voice as it is
        java.net.http.HttpResponse<byte[]> kept = post("{\"input\": \"həlˈoʊ.\", \"voice\": \"alice\", \"response_format\": "
                + "\"wav\", \"seed\": 3, \"max_duration\": " + MAX_DURATION + ", \"input_prompt_length\": 0}");
        assertArrayEquals(direct("həlˈoʊ.", alice, 3).samples(), WavFile.parse(kept.body(), "alice").channels()[0]);

        for (String bad : new String[] {"-1", "0.001", "61", "\"2\"", "true"}) {
            java.net.http.HttpResponse<byte[]> r = post("{\"input\": \"həlˈoʊ.\", \"voice\": \"alice\", \"input_prompt_length\": " + bad + "}");
            assertError(r, 400, "'input_prompt_length' must be 0");
            assertEquals("input_prompt_length", ((Map<?, ?>) Json.parseObject(new String(r.body(), StandardCharsets.UTF_8), "error")
                    .get("error")).get("param"), bad);
        }
    }

    @Test
    void anUploadedVoiceIsSavedAndUsedAndABadOneLeavesNothing() throws Exception {
        java.net.http.HttpResponse<String> ok = upload("bob", Files.readAllBytes(TinyModel.PROMPT));
        assertEquals(201, ok.statusCode(), ok.body());
        assertTrue(Files.exists(voices.resolve("bob.wav")));
        java.net.http.HttpResponse<byte[]> spoken = post("{\"input\": \"həlˈoʊ.\", \"voice\": \"bob\", \"response_format\": \"wav\", \"seed\": 2, \"max_duration\": " + MAX_DURATION + "}");
        assertEquals(200, spoken.statusCode());
        assertArrayEquals(direct("həlˈoʊ.", tts.voice(TinyModel.PROMPT), 2).samples(),
                WavFile.parse(spoken.body(), "bob").channels()[0]);

        List<Path> before;
        try (var files = Files.list(voices)) {
            before = files.sorted().toList();
        }
        java.net.http.HttpResponse<String> bad = upload("carol", "not a wav".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("not a WAV file"), bad.body());
        assertEquals(400, upload("../evil", Files.readAllBytes(TinyModel.PROMPT)).statusCode());
        try (var files = Files.list(voices)) {
            assertEquals(before, files.sorted().toList(), "nothing new on disk");
        }
    }

    private static void assertError(java.net.http.HttpResponse<?> r, int status, String message) {
        String body = r.body() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : (String) r.body();
        assertEquals(status, r.statusCode(), body);
        Map<String, Object> json = Json.parseObject(body, "error");
        Map<?, ?> error = (Map<?, ?>) json.get("error");
        assertNotNull(error, body);
        assertTrue(((String) error.get("message")).contains(message), body);
        assertFalse(((String) error.get("type")).isEmpty());
    }

    private static Map<String, Object> getJson(String path, int status) throws Exception {
        java.net.http.HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.uri().resolve(path)).build(),
                BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return Json.parseObject(r.body(), path);
    }

    static java.net.http.HttpResponse<byte[]> post(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri().resolve("v1/audio/speech"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), BodyHandlers.ofByteArray());
    }

    private static java.net.http.HttpResponse<String> upload(String name, byte[] wav) throws Exception {
        String boundary = "----valle" + UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(wav);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "v1/voices"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), BodyHandlers.ofString());
    }
}
