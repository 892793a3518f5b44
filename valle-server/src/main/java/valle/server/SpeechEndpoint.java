package valle.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import valle.core.Valle;
import valle.core.load.JsonWriter;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;

/**
 * {@code POST /v1/audio/speech}: the body is checked, the request waits for a slot, then each sentence's audio
 * is encoded and sent as soon as it is decoded (chunked transfer), raw or as server-sent events. Until the first
 * byte is sent every failure is a JSON error with its status; after that the connection is cut, since the status
 * line has gone.
 */
final class SpeechEndpoint {
    /** The response header that says {@code instructions} were accepted and not followed. */
    static final String INSTRUCTIONS_HEADER = "X-Valle-Instructions";
    /** The response header that says a task ({@code ns}, {@code sr}) ran as plain text-to-speech. */
    static final String TASK_HEADER = "X-Valle-Task";

    private final Valle tts;
    private final VoiceLibrary voices;
    private final OpenAiVoices openAiVoices;
    private final Admission admission;
    private final Metrics metrics;
    private final ServerConfig config;
    private final boolean narLen;

    SpeechEndpoint(Valle tts, VoiceLibrary voices, Admission admission, Metrics metrics, ServerConfig config,
                   boolean narLen) {
        this.tts = tts;
        this.voices = voices;
        this.openAiVoices = new OpenAiVoices(config.voicesDir());
        this.admission = admission;
        this.metrics = metrics;
        this.config = config;
        this.narLen = narLen;
    }

    /** How OpenAI's voice names map to the voices, from the voices folder. */
    OpenAiVoices openAiVoices() {
        return openAiVoices;
    }

    void handle(Context ctx) {
        long arrived = System.nanoTime();
        byte[] body = ctx.bodyAsBytes();
        SpeechParams params = SpeechParams.parse(body, config.modelId(), config.maxInputChars(), narLen);
        String voice = openAiVoices.resolve(params.voice(), voices::has);
        SpeechRequest request = params.request().withVoice(voices.get(voice).repeatedTo(params.inputPromptLength()));
        long deadline = arrived + config.requestTimeout().toNanos();
        try (Admission.Ticket ignored = admission.enter(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            Streamer streamer = new Streamer(ctx, params, voice, arrived, deadline);
            long started = System.nanoTime();
            Speech speech;
            try {
                speech = tts.speak(request, streamer);
            } catch (CancellationException e) {
                if (streamer.out != null) {
                    throw new UncheckedIOException(new IOException("stopped: " + e.getMessage()));
                }
                throw new ApiError(504, "timeout_error", "the request took longer than "
                        + config.requestTimeout().toSeconds() + " s");
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
            streamer.finish(speech);
            metrics.speech(speech.seconds(), (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * Encodes and sends each sentence as it comes, and stops the work when the deadline passes or the client
     * leaves. The encoder is made at the first sentence, whose sample rate it takes.
     */
    private final class Streamer implements SpeechListener {
        private final Context ctx;
        private final SpeechParams params;
        private final String voice;
        private final long arrived;
        private final long deadline;
        private final ClientConnection client;
        private AudioEncoder encoder;
        OutputStream out;

        Streamer(Context ctx, SpeechParams params, String voice, long arrived, long deadline) {
            this.ctx = ctx;
            this.params = params;
            this.voice = voice;
            this.arrived = arrived;
            this.deadline = deadline;
            this.client = ClientConnection.watch(ctx);
        }

        @Override
        public void step(int done, int total) {
            if (System.nanoTime() > deadline) {
                throw new CancellationException("past the request's deadline");
            }
            if (client.gone()) {
                throw new CancellationException("the client closed the connection");
            }
        }

        @Override
        public boolean cancelled() {
            return System.nanoTime() > deadline || client.gone();
        }

        @Override
        public void sentence(SpeechChunk chunk) {
            send(encoder(chunk.sampleRate()).encode(chunk.samples()), chunk.sampleRate());
            step(0, 0);
        }

        void finish(Speech speech) {
            // a request of zero sentences cannot happen (empty text is refused), but a stream must still end well
            send(encoder(speech.sampleRate()).finish(), speech.sampleRate());
            if (params.sse()) {
                int inputTokens = params.request().text().codePointCount(0, params.request().text().length());
                int outputTokens = speech.codes().frames();
                Map<String, Object> usage = new LinkedHashMap<>();
                usage.put("input_tokens", inputTokens);
                usage.put("output_tokens", outputTokens);
                usage.put("total_tokens", inputTokens + outputTokens);
                Map<String, Object> done = new LinkedHashMap<>();
                done.put("type", "speech.audio.done");
                done.put("usage", usage);
                write(event("speech.audio.done", done), speech.sampleRate());
            }
        }

        private AudioEncoder encoder(int sampleRate) {
            if (encoder == null) {
                encoder = params.format().encoder(sampleRate);
            }
            return encoder;
        }

        /** Audio bytes, raw or as one {@code speech.audio.delta} event; nothing for none, once started. */
        private void send(byte[] audio, int sampleRate) {
            if (audio.length == 0 && out != null) {
                return;
            }
            if (!params.sse()) {
                write(audio, sampleRate);
            } else if (audio.length > 0) {
                Map<String, Object> delta = new LinkedHashMap<>();
                delta.put("type", "speech.audio.delta");
                delta.put("audio", Base64.getEncoder().encodeToString(audio));
                write(event("speech.audio.delta", delta), sampleRate);
            }
        }

        private static byte[] event(String type, Map<String, Object> data) {
            return ("event: " + type + "\ndata: " + JsonWriter.write(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
        }

        private void write(byte[] bytes, int sampleRate) {
            try {
                if (out == null) {
                    ctx.status(200);
                    ctx.contentType(params.sse() ? "text/event-stream" : params.format().mime());
                    if (params.sse()) {
                        ctx.header("Cache-Control", "no-cache");
                    }
                    ctx.header("X-Valle-Sample-Rate", Integer.toString(sampleRate));
                    ctx.header("X-Valle-Voice", voice);
                    if (params.instructions()) {
                        ctx.header(INSTRUCTIONS_HEADER, "ignored");
                    }
                    params.task().note().ifPresent(note -> ctx.header(TASK_HEADER, note));
                    out = ctx.res().getOutputStream();
                    metrics.firstAudio((System.nanoTime() - arrived) / 1e9);
                }
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // the client went away: stop generating for it
                throw new CancellationException("the client closed the connection: " + e.getMessage());
            }
        }
    }
}
