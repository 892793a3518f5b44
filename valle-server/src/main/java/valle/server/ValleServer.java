package valle.server;

import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import valle.api.PluginNotFoundException;
import valle.api.ValleException;
import valle.core.Valle;
import valle.core.load.JsonWriter;
import valle.core.model.ModelConfig;
import valle.core.speech.Voice;

/**
 * valle as a service on one loaded model and codec, shared by every request:
 * <ul>
 *   <li>{@code POST /v1/audio/speech}: OpenAI's speech API (see {@link SpeechParams}), audio streamed sentence by
 *       sentence;</li>
 *   <li>{@code POST /v1/audio/transcriptions}: OpenAI's transcription API, answering IPA phonemes (see
 *       {@link TranscriptionEndpoint});</li>
 *   <li>{@code POST /v1/audio/conversions}: voice conversion of an uploaded source (see {@link ConversionEndpoint});</li>
 *   <li>{@code GET /v1/voices}, {@code POST /v1/voices} (multipart: {@code file}, {@code name}),
 *       {@code GET /v1/models}, {@code GET /health}, {@code GET /metrics} (Prometheus);</li>
 *   <li>{@code GET /}: a page to try voices and settings.</li>
 * </ul>
 * {@code GET /v1/voices} also says which voice each of OpenAI's voice names speaks as ({@link OpenAiVoices}).
 * Errors are OpenAI's {@code {"error": {"message", "type", "param", "code"}}} with 400 (bad input), 404 (unknown
 * voice or path), 413 (too large), 429 (busy, with {@code Retry-After}), 503 (shutting down), 504 (timed out).
 *
 * <pre>{@code
 * try (Valle tts = Valle.builder().model(model).codec(encodec).vocoder(vocos).build();
 *      ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(8080))) {
 *     server.awaitShutdown();
 * }
 * }</pre>
 */
public final class ValleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ValleServer.class);
    private static final String SPEECH = "/v1/audio/speech";

    private final Javalin app;
    private final Admission admission;
    private final ServerConfig config;
    private final Object stopped = new Object();
    private volatile boolean closed;

    private ValleServer(Javalin app, Admission admission, ServerConfig config) {
        this.app = app;
        this.admission = admission;
        this.config = config;
    }

    /**
     * Starts serving {@code tts}, which must have a model and a vocoder (and a codec, for voices from WAV).
     *
     * @throws IllegalStateException when {@code tts} cannot speak
     * @throws ValleException        when the port cannot be bound
     */
    public static ValleServer start(Valle tts, ServerConfig config) {
        ModelConfig model = tts.model().config();
        if (tts.vocoder().isEmpty()) {
            throw new IllegalStateException("the server needs a vocoder: build with Valle.builder().vocoder(path)");
        }
        boolean narLen = !model.name().equals("ar+nar") && model.has("len") && model.has("nar");
        Admission admission = new Admission(config.maxConcurrent(), config.queueCapacity());
        Metrics metrics = new Metrics();
        VoiceLibrary voices = new VoiceLibrary(tts, config.voicesDir());
        SpeechEndpoint speech = new SpeechEndpoint(tts, voices, admission, metrics, config, narLen);
        TranscriptionEndpoint transcriptions = new TranscriptionEndpoint(tts, admission, config);
        ConversionEndpoint conversions = new ConversionEndpoint(tts, voices, admission, config);
        byte[] page = resource("web/index.html");

        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.concurrency.useVirtualThreads = true;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            // uploads are read in memory: nothing of a request is written to disk before it is checked
            c.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), SizeUnit.BYTES);
            c.requestLogger.http((ctx, ms) -> {
                if (ctx.path().equals(SPEECH)) {
                    metrics.request(ctx.status().getCode(), ms / 1000.0);
                }
            });
            c.routes.before(ctx -> {
                String length = ctx.header("Content-Length");
                if (length != null && length.chars().allMatch(Character::isDigit) && !length.isEmpty()
                        && Long.parseLong(length) > config.maxBodyBytes()) {
                    throw ApiError.tooLarge("the request body has " + length + " bytes; the most is " + config.maxBodyBytes());
                }
            });
            c.routes.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
            c.routes.get("/health", ctx -> json(ctx, 200, Map.of("status", "ok", "model", config.modelId(),
                    "running", admission.running(), "queued", admission.queued())));
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(metrics.render(admission.queued(), admission.running(), tts.scheduler())));
            c.routes.get("/v1/models", ctx -> json(ctx, 200, Map.of("object", "list", "data", List.of(
                    Map.of("id", config.modelId(), "object", "model", "created", 0L, "owned_by", "valle")))));
            c.routes.get("/v1/voices", ctx -> {
                List<Object> list = new ArrayList<>();
                for (VoiceLibrary.Listed v : voices.list()) {
                    list.add(Map.of("name", v.name(), "seconds", v.seconds()));
                }
                json(ctx, 200, Map.of("object", "list", "data", list, "openai", speech.openAiVoices().table(voices::has)));
            });
            c.routes.post("/v1/voices", ctx -> {
                UploadedFile file = MultipartUpload.file(ctx, "file", "'file' and 'name'", config.maxBodyBytes());
                String name = ctx.formParam("name");
                if (file == null) {
                    throw ApiError.badRequest("upload the voice as a multipart form field 'file' (a WAV file)");
                }
                if (name == null || name.isBlank()) {
                    String filename = file.filename();
                    name = filename == null ? null : filename.replaceFirst("\\.[^.]*$", "");
                }
                byte[] wav;
                try (InputStream in = file.content()) {
                    wav = in.readAllBytes();
                }
                Voice v = voices.add(name, wav);
                json(ctx, 201, Map.of("name", name, "seconds", v.codes().frames() / 75.0));
            });
            c.routes.post(SPEECH, speech::handle);
            c.routes.post("/v1/audio/transcriptions", transcriptions::handle);
            c.routes.post("/v1/audio/conversions", conversions::handle);

            c.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e));
            c.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, switch (e.getStatus()) {
                case 404 -> ApiError.notFound("no such endpoint: " + ctx.method() + " " + ctx.path());
                case 413 -> ApiError.tooLarge("the request body is larger than " + config.maxBodyBytes() + " bytes");
                default -> new ApiError(e.getStatus(), e.getStatus() < 500 ? "invalid_request_error" : "server_error",
                        e.getMessage());
            }));
            c.routes.exception(UncheckedIOException.class, (e, ctx) ->
                    LOG.debug("a response was cut short: {}", e.getMessage()));
            c.routes.exception(PluginNotFoundException.class, (e, ctx) ->
                    error(ctx, new ApiError(503, "server_error", "this server cannot serve the request: " + e.getMessage())));
            c.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, new ApiError(500, "server_error", "internal error: " + e.getClass().getSimpleName()));
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new ValleException("cannot start the server on " + config.host() + ":" + config.port() + ": "
                    + rootMessage(e), e);
        }
        return new ValleServer(app, admission, config);
    }

    /** The port it listens on (the one picked when the config said 0). */
    public int port() {
        return app.port();
    }

    /** Its base address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Blocks until {@link #close()} is called (from a shutdown hook, say). */
    public void awaitShutdown() throws InterruptedException {
        synchronized (stopped) {
            while (!closed) {
                stopped.wait();
            }
        }
    }

    /**
     * Stops gracefully: new requests get 503, running and waiting ones are given the configured grace to
     * finish, then the server stops. Idempotent.
     */
    @Override
    public void close() {
        synchronized (stopped) {
            if (closed) {
                return;
            }
            if (!admission.drain(config.shutdownGrace())) {
                LOG.warn("shutting down with requests still running after {} s", config.shutdownGrace().toSeconds());
            }
            app.stop();
            closed = true;
            stopped.notifyAll();
        }
    }

    private static void json(Context ctx, int status, Map<String, ?> body) {
        ctx.status(status).contentType("application/json").result(JsonWriter.write(body));
    }

    private static void error(Context ctx, ApiError e) {
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("message", e.getMessage());
        inner.put("type", e.type());
        inner.put("param", e.param());
        inner.put("code", null);
        json(ctx, e.status(), Map.of("error", inner));
    }

    private static byte[] resource(String name) {
        try (InputStream in = ValleServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("valle-server is missing its resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message of {@code e}'s innermost cause, what the client or the operator can act on. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
