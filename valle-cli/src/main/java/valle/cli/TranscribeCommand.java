package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.load.CodesFile;
import valle.core.load.JsonWriter;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SttDecoding;
import valle.core.speech.Transcription;
import valle.core.speech.TranscriptionSettings;

/**
 * {@code valle transcribe}: speech to phonemes with the model's {@code stt} head, as the reference's
 * {@code --task stt} and its web UI's Speech-to-Text tab: a WAV encoded by EnCodec (or codes given directly), greedy
 * by default, at most 20 ids per second of speech. The output is IPA phonemes, not words.
 */
@Command(name = "transcribe", sortOptions = false,
        description = {"Speech to phonemes (the model's speech-to-text task): prints IPA phonemes, not words.",
            "By default word spaces are kept (--decoding joined); --decoding reference prints exactly the reference's "
                + "string, which has none."},
        footer = {"  ./valle transcribe speech.wav",
            "  ./valle transcribe --codes-in codes.npy --lang de --json",
            "  ./valle transcribe speech.wav --model ar+nar-len-llama-8/ --codec encodec_24khz/ --decoding reference"})
final class TranscribeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "WAV", description = "The speech to transcribe.")
    Path input;

    @Option(names = "--codes-in", paramLabel = "FILE", description = "Transcribe these codes [T, 8] (.npy or .enc) instead of a WAV.")
    Path codesIn;

    @Option(names = {"--lang", "--language", "-l"}, defaultValue = "en",
            description = "The speech's language: en, ja, de, fr, zh, ko (default: ${DEFAULT-VALUE}); the model does not detect it.")
    String language;

    @Option(names = "--decoding", defaultValue = "joined", paramLabel = "MODE",
            description = "joined: tokens joined by spaces, so word spaces stay; reference: exactly the reference's text "
                + "(no word spaces, U+FFFD for æ, ð, ç) (default: ${DEFAULT-VALUE}).")
    String decoding;

    @Option(names = "--json", description = "Print one JSON object: text, reference_text, ids, stopped, seconds, language.")
    boolean json;

    @Option(names = "--temperature", defaultValue = "0.0", description = "0 = greedy, as the web UI (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Top-k; 0 = off.")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling; 1 = off.")
    double topP;

    @Option(names = "--max-steps", paramLabel = "N", description = "Most phoneme tokens (default: 20 per second of speech, as the web UI).")
    Integer maxSteps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampling random source (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ModelOptions model;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        if ((input == null) == (codesIn == null)) {
            throw new IllegalArgumentException("give either a WAV file or --codes-in FILE, not " + (input == null ? "neither" : "both"));
        }
        SttDecoding mode = switch (decoding.toLowerCase(Locale.ROOT)) {
            case "joined" -> SttDecoding.JOINED;
            case "reference" -> SttDecoding.REFERENCE;
            default -> throw new IllegalArgumentException("--decoding must be joined or reference, got '" + decoding + "'");
        };
        PrintWriter out = spec.commandLine().getOut();
        try (Valle valle = model.open(codesIn == null, false, spec.commandLine().getErr())) {
            Codes codes = codesIn != null ? CodesFile.read(codesIn) : valle.voice(input).codes();
            Map<String, Object> kwargs = new LinkedHashMap<>();
            kwargs.put("ar_temperature", temperature);
            kwargs.put("top_k", topK);
            kwargs.put("top_p", topP);
            kwargs.put("seed", seed);
            kwargs.put("max_duration", maxSteps != null ? maxSteps : TranscriptionSettings.webUiSteps(codes.frames()));
            Transcription t = valle.transcribe(codes, language, InferenceSettings.fromKwargs(kwargs));
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("text", t.text(mode));
                o.put("reference_text", t.reference());
                o.put("decoding", mode.name().toLowerCase(Locale.ROOT));
                o.put("ids", java.util.Arrays.stream(t.ids()).boxed().toList());
                o.put("stopped", t.stopped());
                o.put("seconds", t.seconds());
                o.put("language", language);
                out.println(JsonWriter.write(o));
            } else {
                out.println(t.text(mode));
            }
        }
        return 0;
    }
}
