package valle.server;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.load.JsonWriter;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;
import valle.core.speech.SttDecoding;
import valle.core.speech.Transcription;
import valle.core.speech.TranscriptionSettings;

/**
 * {@code POST /v1/audio/transcriptions}, shaped like OpenAI's: a multipart form with {@code file} (a WAV),
 * {@code model}, {@code language} (default {@code en}; the model does not detect it), {@code response_format}
 * ({@code json} default, {@code text}, {@code verbose_json}) and {@code temperature}. The model's speech-to-text
 * writes <b>IPA phonemes, not words</b>: the JSON bodies say so in {@code text_format}, the text body in the
 * {@code X-Valle-Text-Format} header. valle's own field {@code decoding} picks {@code joined} (default: word spaces
 * kept) or {@code reference} (exactly the reference's string).
 */
final class TranscriptionEndpoint {
    /** What clients of OpenAI's API commonly send as the model; all mean the one model this server has. */
    static final Set<String> MODEL_ALIASES = Set.of("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe");
    private static final String TEXT_FORMAT = "ipa_phonemes";

    private final Valle stt;
    private final Admission admission;
    private final ServerConfig config;

    TranscriptionEndpoint(Valle stt, Admission admission, ServerConfig config) {
        this.stt = stt;
        this.admission = admission;
        this.config = config;
    }

    void handle(Context ctx) {
        long arrived = System.nanoTime();
        io.javalin.http.UploadedFile file = MultipartUpload.file(ctx, "file",
                "'file', 'model', 'language' and 'response_format'", config.maxBodyBytes());
        if (file == null) {
            throw ApiError.badRequest("upload the speech as a multipart form field 'file' (a WAV file)");
        }
        String model = ctx.formParam("model");
        if (model != null && !model.equals(config.modelId()) && !MODEL_ALIASES.contains(model)) {
            throw ApiError.badRequest("unknown model '" + model + "': this server has '" + config.modelId() + "' (GET /v1/models)");
        }
        String language = orDefault(ctx.formParam("language"), "en");
        String format = orDefault(ctx.formParam("response_format"), "json");
        if (!Set.of("json", "text", "verbose_json").contains(format)) {
            throw ApiError.badRequest("response_format '" + format + "' is not supported; use json, text or verbose_json");
        }
        SttDecoding decoding = switch (orDefault(ctx.formParam("decoding"), "joined")) {
            case "joined" -> SttDecoding.JOINED;
            case "reference" -> SttDecoding.REFERENCE;
            default -> throw ApiError.badRequest("'decoding' must be joined or reference");
        };
        double temperature = number(ctx.formParam("temperature"), "temperature");
        Codes speech = UploadedSpeech.codes(stt, file);
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("ar_temperature", temperature);
        kwargs.put("top_k", 0);
        kwargs.put("max_duration", TranscriptionSettings.webUiSteps(speech.frames()));
        long deadline = arrived + config.requestTimeout().toNanos();
        Transcription t;
        try (Admission.Ticket ignored = admission.enter(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            Progress progress = new Progress() {
                @Override
                public void stage(String what) {
                }

                @Override
                public void step(int done, int total) {
                    if (System.nanoTime() > deadline) {
                        throw new CancellationException("past the request's deadline");
                    }
                }
            };
            t = stt.transcribe(speech, language, InferenceSettings.fromKwargs(kwargs), progress);
        } catch (CancellationException e) {
            throw new ApiError(504, "timeout_error", "the request took longer than " + config.requestTimeout().toSeconds() + " s");
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        String text = t.text(decoding);
        if (format.equals("text")) {
            ctx.status(200).contentType("text/plain; charset=utf-8").header("X-Valle-Text-Format", TEXT_FORMAT).result(text);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (format.equals("verbose_json")) {
            body.put("task", "transcribe");
            body.put("language", language.toLowerCase(Locale.ROOT).strip());
            body.put("duration", t.seconds());
        }
        body.put("text", text);
        body.put("text_format", TEXT_FORMAT);
        if (format.equals("verbose_json")) {
            body.put("decoding", decoding.name().toLowerCase(Locale.ROOT));
            body.put("reference_text", t.reference());
            body.put("ids", Arrays.stream(t.ids()).boxed().toList());
            body.put("stopped", t.stopped());
        }
        ctx.status(200).contentType("application/json").result(JsonWriter.write(body));
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static double number(String value, String field) {
        if (value == null || value.isBlank()) {
            return 0.0;
        }
        try {
            double d = Double.parseDouble(value.strip());
            if (!Double.isFinite(d) || d < 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("'" + field + "' must be a number >= 0, got '" + value + "'");
        }
    }
}
