package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import valle.core.infer.CodeGenerator;
import valle.core.infer.CodeRequest;
import valle.core.infer.InferenceSettings;
import valle.core.infer.Languages;
import valle.core.load.NpyArray;
import valle.core.text.SentenceSplitter;

/**
 * {@code valle speak}: text (or phonemes) and prompt codes in, a code matrix out. Every sampling flag is named as in
 * the reference's CLI; unlike the reference (whose CLI drops them, §5.3), they take effect.
 */
@Command(name = "speak", sortOptions = false,
        description = "Generate the RVQ code matrix [T, 8] for plain text or a phoneme string (audio in and out come with the codec).")
final class SpeakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Checkpoint (.sft).")
    Path model;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TEXT",
            description = "Plain text to speak (the same as --text).")
    String positionalText;

    @Option(names = "--text", paramLabel = "TEXT",
            description = "Plain text, e.g. \"Hello, world.\": split into sentences as the reference does, each phonemized, generated and joined.")
    String text;

    @Option(names = "--phonemes", paramLabel = "IPA",
            description = "Phonemes instead of text, e.g. \"həlˈoʊ wˈɜːld.\"; one line per utterance, generated separately and joined.")
    String phonemes;

    @Option(names = {"--lang", "--language", "-l"}, defaultValue = "en", description = "en, ja, de, fr, zh, ko (auto only with --phonemes) (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = "--phonemizer", description = "Phonemizer plugin (default: auto).")
    String phonemizer;

    @Option(names = "--prompt-codes", paramLabel = "FILE", description = "Voice prompt codes: .npy int array [T, 8] or a reference .enc file.")
    Path promptCodes;

    @Option(names = "--codes-out", required = true, paramLabel = "FILE", description = "Where to write the codes (.npy int32 [T, 8]).")
    Path codesOut;

    @Option(names = "--arch", description = "Arch plugin (default: auto).")
    String arch;

    @Option(names = "--attention", description = "Attention kernel (default: auto).")
    String attention;

    @Option(names = "--modality", defaultValue = "auto", description = "auto, ar+nar or nar-len (default: ${DEFAULT-VALUE}).")
    String modality;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampling random source (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--input-prompt-length", defaultValue = "0", description = "Seconds to repeat or trim the prompt to; 0 keeps it (default: ${DEFAULT-VALUE}).")
    double inputPromptLength;

    @Option(names = "--max-duration", defaultValue = "900", description = "Most frames of level 0 (default: ${DEFAULT-VALUE}, 12 s).")
    int maxDuration;
    @Option(names = "--max-steps", defaultValue = "25", description = "NAR-len demasking steps (default: ${DEFAULT-VALUE}).")
    int maxSteps;
    @Option(names = "--max-levels", defaultValue = "7", description = "Highest RVQ level (default: ${DEFAULT-VALUE}).")
    int maxLevels;
    @Option(names = "--ar-temperature", defaultValue = "1.0", description = "AR and NAR-len temperature (default: ${DEFAULT-VALUE}).")
    double arTemperature;
    @Option(names = "--nar-temperature", defaultValue = "0.0", description = "NAR temperature (default: ${DEFAULT-VALUE}).")
    double narTemperature;
    @Option(names = "--min-ar-temperature", defaultValue = "-1.0", description = "Dynamic temperature floor for AR; -1 = off.")
    double minArTemperature;
    @Option(names = "--min-nar-temperature", defaultValue = "-1.0", description = "Dynamic temperature floor for NAR; -1 = off.")
    double minNarTemperature;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling; 1 = off.")
    double topP;
    @Option(names = "--top-k", defaultValue = "0", description = "Top-k; 0 = off.")
    int topK;
    @Option(names = "--top-no", defaultValue = "0.0", description = "Top-nσ; 0 = off.")
    double topNo;
    @Option(names = "--min-p", defaultValue = "0.0", description = "Min-p; 0 = off.")
    double minP;
    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "1 = off.")
    double repetitionPenalty;
    @Option(names = "--repetition-penalty-decay", defaultValue = "0.0")
    double repetitionPenaltyDecay;
    @Option(names = "--length-penalty", defaultValue = "0.0")
    double lengthPenalty;
    @Option(names = "--beam-width", defaultValue = "0")
    int beamWidth;
    @Option(names = "--mirostat-tau", defaultValue = "0", description = "Accepted for compatibility; mirostat is inactive in the reference.")
    double mirostatTau;
    @Option(names = "--mirostat-eta", defaultValue = "0", description = "Accepted for compatibility; mirostat is inactive in the reference.")
    double mirostatEta;
    @Option(names = "--dry-multiplier", defaultValue = "0")
    double dryMultiplier;
    @Option(names = "--dry-base", defaultValue = "1.75")
    double dryBase;
    @Option(names = "--dry-allowed-length", defaultValue = "2")
    int dryAllowedLength;
    @Option(names = "--cfg-strength", defaultValue = "0.0", description = "Classifier-free guidance; NAR-len uses at least 2.5.")
    double cfgStrength;
    @Option(names = "--cfg-rescale", defaultValue = "0.75")
    double cfgRescale;
    @Option(names = "--input-prompt-prefix", description = "Start the AR from the prompt's level-0 codes.")
    boolean inputPromptPrefix;
    @Option(names = "--prefix-silence", defaultValue = "0.0", description = "Seconds of silence the AR starts from.")
    double prefixSilence;
    @Option(names = "--refine-on-stop", description = "Re-derive the AR output greedily when it stops.")
    boolean refineOnStop;
    @Option(names = "--denoise-start", defaultValue = "0.0", description = "Where the demasking schedule starts, in [0, 1).")
    double denoiseStart;

    @Option(names = "--context-history", defaultValue = "0", description = "Rolling context: earlier lines that prefix the next (default: ${DEFAULT-VALUE}).")
    int contextHistory;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String input = text != null ? text : positionalText;
        if ((input == null) == (phonemes == null)) {
            throw new IllegalArgumentException("give either the text to speak (--text TEXT, or TEXT alone) or --phonemes IPA");
        }
        Codes prompt = promptCodes == null ? null : PromptCodes.adjust(readPrompt(promptCodes), inputPromptLength);
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("max_duration", maxDuration);
        kwargs.put("max_steps", maxSteps);
        kwargs.put("max_levels", maxLevels);
        kwargs.put("ar_temperature", arTemperature);
        kwargs.put("nar_temperature", narTemperature);
        kwargs.put("min_ar_temperature", minArTemperature);
        kwargs.put("min_nar_temperature", minNarTemperature);
        kwargs.put("top_p", topP);
        kwargs.put("top_k", topK);
        kwargs.put("top_no", topNo);
        kwargs.put("min_p", minP);
        kwargs.put("repetition_penalty", repetitionPenalty);
        kwargs.put("repetition_penalty_decay", repetitionPenaltyDecay);
        kwargs.put("length_penalty", lengthPenalty);
        kwargs.put("beam_width", beamWidth);
        kwargs.put("mirostat_tau", mirostatTau);
        kwargs.put("mirostat_eta", mirostatEta);
        kwargs.put("dry_multiplier", dryMultiplier);
        kwargs.put("dry_base", dryBase);
        kwargs.put("dry_allowed_length", dryAllowedLength);
        kwargs.put("cfg_strength", cfgStrength);
        kwargs.put("cfg_rescale", cfgRescale);
        kwargs.put("input_prompt_prefix", inputPromptPrefix);
        kwargs.put("prefix_silence", prefixSilence);
        kwargs.put("refine_on_stop", refineOnStop);
        kwargs.put("denoise_start", denoiseStart);
        kwargs.put("modality", modality.toLowerCase(Locale.ROOT));
        kwargs.put("seed", seed);
        kwargs.put("context_history", contextHistory);
        InferenceSettings settings = InferenceSettings.fromKwargs(kwargs);

        try (Valle valle = Valle.builder().model(model).arch(arch).attention(attention).phonemizer(phonemizer).build()) {
            if (input != null) {
                long started = System.nanoTime();
                Codes codes = valle.speak(input, language, prompt, settings, new StageProgress(err));
                NpyArray.writeInts(codesOut, new int[] {codes.frames(), codes.levels()}, codes.data());
                err.printf("valle: %d sentence(s), %d frames x %d levels in %.1f s -> %s%n",
                        SentenceSplitter.split(input).size(), codes.frames(), codes.levels(),
                        (System.nanoTime() - started) / 1e9, codesOut);
                return 0;
            }
            int lang = Languages.id(language);
            List<CodeRequest> lines = new ArrayList<>();
            for (String line : phonemes.split("\\R")) {
                if (line.isBlank()) {
                    continue;
                }
                int[] ids = valle.tokenizer().encode(line.strip());
                lines.add(new CodeRequest(ids, lang, prompt, settings));
            }
            if (lines.isEmpty()) {
                throw new IllegalArgumentException("--phonemes has no phonemes to speak");
            }
            long started = System.nanoTime();
            Codes codes = join(valle.generateLines(lines, new StageProgress(err)));
            NpyArray.writeInts(codesOut, new int[] {codes.frames(), codes.levels()}, codes.data());
            err.printf("valle: %d line(s), %d frames x %d levels in %.1f s -> %s%n", lines.size(), codes.frames(),
                    codes.levels(), (System.nanoTime() - started) / 1e9, codesOut);
        }
        return 0;
    }

    /** The lines' codes one after the other, as the reference joins the lines' audio. */
    private static Codes join(List<Codes> parts) {
        int levels = parts.getFirst().levels();
        int frames = parts.stream().mapToInt(Codes::frames).sum();
        int[] data = new int[frames * levels];
        int at = 0;
        for (Codes c : parts) {
            System.arraycopy(c.data(), 0, data, at, c.data().length);
            at += c.data().length;
        }
        return new Codes(frames, levels, data);
    }

    private static Codes readPrompt(Path file) {
        return CodesFile.read(file);
    }

    /** A progress bar on stderr: the stage, its steps so far and the time since the start. */
    private static final class StageProgress implements CodeGenerator.Progress {
        private static final int WIDTH = 30;
        private final PrintWriter err;
        private final long start = System.nanoTime();
        private String stage = "";

        StageProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void stage(String what) {
            stage = what;
            draw(0, 0);
        }

        @Override
        public void step(int done, int total) {
            draw(done, total);
        }

        private void draw(int done, int total) {
            int filled = total == 0 ? 0 : (int) ((long) WIDTH * done / total);
            String bar = total == 0 ? "" : "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total;
            err.printf("\r[%6.1fs] %-28s %-45s", (System.nanoTime() - start) / 1e9, stage, bar);
            err.flush();
            if (stage.startsWith("levels")) {
                err.println();
            }
        }
    }
}
