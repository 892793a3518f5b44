package valle.server;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Speech;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;

/**
 * {@code POST /v1/audio/conversions}, valle's own (OpenAI has no voice-conversion API): a multipart form with
 * {@code file} (the source WAV), {@code input} (the text it says: required, the reference transcribes the source
 * with Whisper when it is empty and valle does not), {@code voice} (a voice of the library, default {@code default}),
 * {@code language}, {@code output_language}, {@code seed} and {@code input_prompt_length} (as the speech endpoint's). The answer is the converted speech as one 32-bit float WAV, as long as the
 * source ({@link Valle#convert}, NAR-len models only; an AR+NAR model is a 400).
 */
final class ConversionEndpoint {
    private final Valle tts;
    private final VoiceLibrary voices;
    private final Admission admission;
    private final ServerConfig config;

    ConversionEndpoint(Valle tts, VoiceLibrary voices, Admission admission, ServerConfig config) {
        this.tts = tts;
        this.voices = voices;
        this.admission = admission;
        this.config = config;
    }

    void handle(Context ctx) {
        long arrived = System.nanoTime();
        UploadedFile file = MultipartUpload.file(ctx, "file", "'file', 'input' and 'voice'", config.maxBodyBytes());
        if (file == null) {
            throw ApiError.badRequest("upload the source speech as a multipart form field 'file' (a WAV file)");
        }
        String input = ctx.formParam("input");
        if (input == null || input.isBlank()) {
            throw ApiError.badRequest("'input' must be the text the source says (valle does not transcribe it)");
        }
        if (input.length() > config.maxInputChars()) {
            throw ApiError.badRequest("'input' has " + input.length() + " characters; the most is " + config.maxInputChars());
        }
        String voice = ctx.formParam("voice") == null ? VoiceLibrary.DEFAULT : ctx.formParam("voice");
        String language = ctx.formParam("language") == null ? "en" : ctx.formParam("language");
        long seed;
        try {
            seed = ctx.formParam("seed") == null ? 0 : Long.parseLong(ctx.formParam("seed").strip());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("'seed' must be an integer, got '" + ctx.formParam("seed") + "'");
        }
        String promptLength = ctx.formParam("input_prompt_length");
        double promptSeconds;
        try {
            promptSeconds = SpeechParams.inputPromptLength(promptLength == null ? null : Double.valueOf(promptLength.strip()));
        } catch (NumberFormatException e) {
            throw ApiError.badParam("input_prompt_length", "'input_prompt_length' must be a number of seconds, got '"
                    + promptLength + "'");
        }
        Codes source = UploadedSpeech.codes(tts, file);
        Map<String, Object> kwargs = new LinkedHashMap<>(InferenceSettings.commandLineKwargs());
        kwargs.put("seed", seed);
        // the output is as long as the source: let max_duration allow it
        kwargs.put("max_duration", Math.max(((Number) kwargs.get("max_duration")).intValue(), source.frames()));
        SpeechRequest request = new SpeechRequest(input, SpeechRequest.Input.TEXT, language,
                voices.get(voice).repeatedTo(promptSeconds),
                InferenceSettings.fromKwargs(kwargs)).withOutputLanguage(ctx.formParam("output_language"));
        long deadline = arrived + config.requestTimeout().toNanos();
        Speech speech;
        try (Admission.Ticket ignored = admission.enter(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            speech = tts.convert(request, source, new SpeechListener() {
                @Override
                public void step(int done, int total) {
                    if (System.nanoTime() > deadline) {
                        throw new CancellationException("past the request's deadline");
                    }
                }
            });
        } catch (CancellationException e) {
            throw new ApiError(504, "timeout_error", "the request took longer than " + config.requestTimeout().toSeconds() + " s");
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        ctx.status(200).contentType("audio/wav").header("X-Valle-Sample-Rate", Integer.toString(speech.sampleRate()))
                .result(speech.wav());
    }
}
