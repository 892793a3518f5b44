package valle.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import com.openai.models.audio.transcriptions.TranscriptionVerbose;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.Valle;
import valle.core.audio.WavFile;
import valle.core.speech.SttDecoding;
import valle.core.speech.Transcription;
import valle.kit.io.Json;

/** The transcription API on loopback, called by OpenAI's own Java client and by plain HTTP multipart. */
class TranscriptionApiTest {
    @TempDir
    static Path voices;
    private static Valle valle;
    private static ValleServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        valle = TinyModel.open();
        server = ValleServer.start(valle, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                .withModelId("ar_nar_len").withLimits(4 * 1024 * 1024, 200));
    }

    @AfterAll
    static void stop() {
        server.close();
        valle.close();
    }

    private static OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(server.uri() + "v1").apiKey("not-needed").build();
    }

    @Test
    void theOpenAiClientGetsWhatTheFacadeTranscribes() {
        Transcription direct = valle.transcribe(TinyModel.PROMPT, "en");
        TranscriptionCreateResponse json = client().audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(TinyModel.PROMPT).model("whisper-1").language("en").responseFormat(AudioResponseFormat.JSON).build());
        assertEquals(direct.text(SttDecoding.JOINED), json.asTranscription().text());
        assertEquals(JsonValue.from("ipa_phonemes"), json.asTranscription()._additionalProperties().get("text_format"));

        TranscriptionVerbose verbose = client().audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(TinyModel.PROMPT).model("whisper-1").language("en")
                .responseFormat(AudioResponseFormat.VERBOSE_JSON).build()).asVerbose();
        assertEquals(direct.readable(), verbose.text());
        assertEquals("en", verbose.language());
        assertEquals(direct.seconds(), verbose.duration(), 1e-9);
        assertEquals(JsonValue.from(direct.reference()), verbose._additionalProperties().get("reference_text"));
    }

    @Test
    void textFormatAndReferenceDecodingOverPlainHttp() throws Exception {
        byte[] wav = Files.readAllBytes(TinyModel.PROMPT);
        HttpResponse<String> r = post(Map.of("response_format", "text", "decoding", "reference"), "speech.wav", wav);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("ipa_phonemes", r.headers().firstValue("X-Valle-Text-Format").orElseThrow());
        assertEquals(valle.transcribe(TinyModel.PROMPT, "en").reference(), r.body());
    }

    @Test
    void badInputIs400WithOneMessage(@TempDir Path tmp) throws Exception {
        byte[] wav = Files.readAllBytes(TinyModel.PROMPT);
        assertError(post(Map.of(), "notes.txt", "hello".getBytes(StandardCharsets.UTF_8)), 400, "not a WAV file");
        assertError(post(Map.of(), "empty.wav", new byte[0]), 400, "the upload is empty");
        Path silent = tmp.resolve("silent.wav");
        WavFile.write(silent, new float[0], 24000, WavFile.Encoding.PCM16);
        assertError(post(Map.of(), "silent.wav", Files.readAllBytes(silent)), 400, "holds no samples");
        Path longWav = tmp.resolve("long.wav");
        WavFile.write(longWav, new float[4000 * 121], 4000, WavFile.Encoding.PCM16);
        assertError(post(Map.of(), "long.wav", Files.readAllBytes(longWav)), 400, "the speech is 121.0 s long; at most 120 s are taken");
        assertError(post(Map.of("language", "xx"), "speech.wav", wav), 400, "unknown language 'xx'");
        assertError(post(Map.of("response_format", "srt"), "speech.wav", wav), 400, "use json, text or verbose_json");
        assertError(post(Map.of("model", "nope"), "speech.wav", wav), 400, "unknown model 'nope'");
        assertError(post(Map.of("model", "whisper-1"), null, null), 400, "multipart form field 'file'");
    }

    private static void assertError(HttpResponse<String> r, int status, String part) {
        assertEquals(status, r.statusCode(), r.body());
        Map<String, Object> body = Json.parseObject(r.body(), "error body");
        String message = (String) ((Map<?, ?>) body.get("error")).get("message");
        assertTrue(message.contains(part), message);
        assertEquals(1, message.lines().count(), message);
    }

    /** A multipart POST with the fields and, unless {@code filename} is null, the file. */
    private static HttpResponse<String> post(Map<String, String> fields, String filename, byte[] file) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("v1/audio/transcriptions"))
                .header("Content-Type", MultipartBody.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(MultipartBody.of(fields, filename, file))).build();
        return HTTP.send(request, BodyHandlers.ofString());
    }
}
