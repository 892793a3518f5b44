package valle.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import valle.core.Valle;
import valle.core.audio.WavFile;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;

/**
 * {@code POST /v1/audio/speech}: the body is checked, the request waits for a slot, then each sentence's audio
 * is sent as soon as it is decoded (chunked transfer). Until the first byte is sent every failure is a JSON
 * error with its status; after that the connection is cut, since the status line has gone.
 */
final class SpeechEndpoint {
    private final Valle tts;
    private final VoiceLibrary voices;
    private final Admission admission;
    private final Metrics metrics;
    private final ServerConfig config;
    private final boolean narLen;

    SpeechEndpoint(Valle tts, VoiceLibrary voices, Admission admission, Metrics metrics, ServerConfig config, boolean narLen) {
        this.tts = tts;
        this.voices = voices;
        this.admission = admission;
        this.metrics = metrics;
        this.config = config;
        this.narLen = narLen;
    }

    void handle(Context ctx) {
        long arrived = System.nanoTime();
        byte[] body = ctx.bodyAsBytes();
        SpeechParams params = SpeechParams.parse(body, config.modelId(), config.maxInputChars(), narLen);
        SpeechRequest request = params.request().withVoice(voices.get(params.voice()));
        long deadline = arrived + config.requestTimeout().toNanos();
        try (Admission.Ticket ignored = admission.enter(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            Streamer streamer = new Streamer(ctx, params.format(), deadline);
            long started = System.nanoTime();
            Speech speech;
            try {
                speech = tts.speak(request, streamer);
            } catch (CancellationException e) {
                if (streamer.sent) {
                    throw new UncheckedIOException(new IOException("stopped: " + e.getMessage()));
                }
                throw new ApiError(504, "timeout_error", "the request took longer than "
                        + config.requestTimeout().toSeconds() + " s");
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
            streamer.finish(speech.sampleRate());
            metrics.speech(speech.seconds(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** Sends each sentence as it comes, and stops the work when the deadline passes or the client leaves. */
    private final class Streamer implements SpeechListener {
        private final Context ctx;
        private final AudioFormat format;
        private final long deadline;
        private OutputStream out;
        boolean sent;

        Streamer(Context ctx, AudioFormat format, long deadline) {
            this.ctx = ctx;
            this.format = format;
            this.deadline = deadline;
        }

        @Override
        public void step(int done, int total) {
            if (System.nanoTime() > deadline) {
                throw new CancellationException("past the request's deadline");
            }
        }

        @Override
        public void sentence(SpeechChunk chunk) {
            write(WavFile.encodeSamples(chunk.samples(), format.encoding()), chunk.sampleRate());
            step(0, 0);
        }

        void finish(int sampleRate) {
            // a request of zero sentences cannot happen (empty text is refused), but the header must still go
            write(new byte[0], sampleRate);
        }

        private void write(byte[] samples, int sampleRate) {
            try {
                if (out == null) {
                    ctx.status(200);
                    ctx.contentType(format.mime());
                    ctx.header("X-Valle-Sample-Rate", Integer.toString(sampleRate));
                    out = ctx.res().getOutputStream();
                    out.write(format.header(sampleRate));
                    sent = true;
                }
                out.write(samples);
                out.flush();
            } catch (IOException e) {
                // the client went away: stop generating for it
                throw new CancellationException("the client closed the connection: " + e.getMessage());
            }
        }
    }
}
