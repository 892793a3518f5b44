package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import valle.core.Valle;
import valle.server.ServerConfig;
import valle.server.ValleServer;

/**
 * {@code valle serve}: the OpenAI-compatible speech endpoint and the try-it page on one loaded model and codec,
 * until interrupted (Ctrl-C or SIGTERM stop it gracefully).
 */
@Command(name = "serve", sortOptions = false,
        description = {"Serve POST /v1/audio/speech (OpenAI-compatible), voices, metrics and a web page to try them.",
            "Without --model it serves the bundled tiny random model and codecs: the output is noise."},
        footer = {"  ./valle serve                # the bundled tiny model on 127.0.0.1:8080",
            "  ./valle serve --port 8080 --voices voices/ --model ar+nar-len-llama-8.sft \\",
            "      --codec encodec_24khz/ --vocoder vocos-encodec-24khz/"})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--voices", paramLabel = "DIR", description = "Folder of voices: every NAME.wav is a voice; uploads are saved here.")
    Path voices;

    @Option(names = {"--slots", "--max-concurrent"}, defaultValue = "4", paramLabel = "N",
            description = "Requests synthesized at once, their model passes batched (continuous batching: one pass over the "
                    + "weights per step for all of them; each output as if it ran alone); more wait in the queue (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--queue", defaultValue = "8", description = "Requests that may wait; more get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds a request may take, waiting included (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--max-input", defaultValue = "4096", description = "Longest input text in characters (default: ${DEFAULT-VALUE}).")
    int maxInput;

    @Option(names = "--max-body", defaultValue = "16777216", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Mixin
    ModelOptions models;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (voices != null && !Files.isDirectory(voices)) {
            throw new IllegalArgumentException(voices + ": the voices folder does not exist (create it, or leave --voices out)");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("--slots must be at least 1, got " + slots);
        }
        try (Valle tts = models.open(true, true, err, slots)) {
            String id = modelId(models.modelPath.toAbsolutePath().normalize());
            ServerConfig config = ServerConfig.defaults().withHost(host).withPort(port)
                    .withConcurrency(slots, queue).withRequestTimeout(Duration.ofSeconds(timeoutSeconds))
                    .withLimits(maxBody, maxInput).withVoicesDir(voices).withModelId(id);
            ValleServer server = ValleServer.start(tts, config);
            Thread hook = new Thread(server::close, "valle-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            err.printf("valle: serving %s on %s with %d slots (POST /v1/audio/speech, page at /); Ctrl-C stops%n", id,
                    server.uri(), slots);
            err.flush();
            server.awaitShutdown();
        }
        return 0;
    }

    /** The id {@code /v1/models} lists: the checkpoint's name, or its folder's when it is called {@code model.sft}. */
    private static String modelId(Path model) {
        if (Files.isDirectory(model) || model.getFileName().toString().equals("model.sft")) {
            Path folder = Files.isDirectory(model) ? model : model.getParent();
            return folder.getFileName().toString();
        }
        return model.getFileName().toString().replaceFirst("\\.sft$", "");
    }
}
