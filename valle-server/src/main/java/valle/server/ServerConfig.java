package valle.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ValleServer} runs.
 *
 * @param host           the address to bind ({@code 127.0.0.1} for loopback only, {@code 0.0.0.0} for all)
 * @param port           the port; 0 picks a free one
 * @param maxConcurrent  requests synthesized at once (each already uses every core through the model's pool)
 * @param queueCapacity  requests that may wait for a slot; more are refused with 429 and {@code Retry-After}
 * @param requestTimeout the most a request may take, waiting included; it is stopped at the next step after
 * @param maxBodyBytes   the largest request body (JSON or a voice upload); larger ones get 413
 * @param maxInputChars  the longest {@code input} text (OpenAI's limit is 4096)
 * @param voicesDir      the folder whose WAV files are the voices, and where uploads go; {@code null} for
 *                       uploads kept in memory only
 * @param modelId        the id {@code GET /v1/models} lists
 * @param shutdownGrace  how long shutdown waits for running requests to finish
 */
public record ServerConfig(String host, int port, int maxConcurrent, int queueCapacity, Duration requestTimeout,
                           long maxBodyBytes, int maxInputChars, Path voicesDir, String modelId,
                           Duration shutdownGrace) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (maxConcurrent < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("need max-concurrent >= 1 and a queue >= 0, got " + maxConcurrent
                    + " and " + queueCapacity);
        }
        if (maxBodyBytes < 1024 || maxInputChars < 1) {
            throw new IllegalArgumentException("the body limit must be at least 1 KiB and the input limit at least 1");
        }
    }

    /** Loopback on port 8080, one request at a time with 8 waiting, 5 minutes each, 16 MiB bodies, 4096 characters. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8080, 1, 8, Duration.ofMinutes(5), 16L << 20, 4096, null, "valle",
                Duration.ofSeconds(30));
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, maxConcurrent, queueCapacity, requestTimeout, maxBodyBytes, maxInputChars,
                voicesDir, modelId, shutdownGrace);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, maxConcurrent, queueCapacity, requestTimeout, maxBodyBytes, maxInputChars,
                voicesDir, modelId, shutdownGrace);
    }

    public ServerConfig withConcurrency(int maxConcurrent, int queueCapacity) {
        return new ServerConfig(host, port, maxConcurrent, queueCapacity, requestTimeout, maxBodyBytes, maxInputChars,
                voicesDir, modelId, shutdownGrace);
    }

    public ServerConfig withRequestTimeout(Duration requestTimeout) {
        return new ServerConfig(host, port, maxConcurrent, queueCapacity, requestTimeout, maxBodyBytes, maxInputChars,
                voicesDir, modelId, shutdownGrace);
    }

    public ServerConfig withLimits(long maxBodyBytes, int maxInputChars) {
        return new ServerConfig(host, port, maxConcurrent, queueCapacity, requestTimeout, maxBodyBytes, maxInputChars,
                voicesDir, modelId, shutdownGrace);
    }

    public ServerConfig withVoicesDir(Path voicesDir) {
        return new ServerConfig(host, port, maxConcurrent, queueCapacity, requestTimeout, maxBodyBytes, maxInputChars,
                voicesDir, modelId, shutdownGrace);
    }

    public ServerConfig withModelId(String modelId) {
        return new ServerConfig(host, port, maxConcurrent, queueCapacity, requestTimeout, maxBodyBytes, maxInputChars,
                voicesDir, modelId, shutdownGrace);
    }
}
