package valle.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import valle.api.ValleException;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.audio.WavFile;
import valle.core.load.CodesFile;
import valle.core.load.JsonWriter;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechRequest;
import valle.core.speech.SpeechTask;
import valle.core.speech.Voice;

/**
 * {@code valle speak}: text and a voice recording in, a WAV file out. The prompt is encoded with EnCodec, each
 * sentence generated and decoded on its own, and the sentences' audio joined, as the reference's
 * {@code inference} does. Without {@code --model} it runs on the bundled tiny random model and codecs.
 */
@Command(name = "speak", sortOptions = false,
        description = {"Say TEXT in the voice of a prompt recording and write a 24 kHz WAV file.",
            "Without --model it runs the bundled tiny random model and codecs: the output is noise."},
        footer = {"  ./valle speak \"Hello, world.\" --out hello.wav   # bundled tiny model: noise",
            "  ./valle speak \"Hello.\" --prompt voice.wav --out hello.wav \\",
            "      --model ar+nar-len-llama-8.sft --codec encodec_24khz/ \\",
            "      --vocoder vocos-encodec-24khz/",
            "  echo \"Text from a pipe.\" | ./valle speak - --out - > speech.wav"})
final class SpeakCommand implements Callable<Integer> {
    private static final int MAX_STDIN_BYTES = 1 << 20;

    private final InputStream stdin;
    private final OutputStream stdout;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TEXT",
            description = "Plain text to say (the same as --text); - reads it from standard input (UTF-8).")
    String positionalText;

    @Option(names = "--text", paramLabel = "TEXT",
            description = "Plain text, e.g. \"Hello, world.\": split into sentences as the reference does, each phonemized, generated and decoded.")
    String text;

    @Option(names = "--phonemes", paramLabel = "IPA",
            description = "Phonemes instead of text, e.g. \"həlˈoʊ wˈɜːld.\"; one line per utterance.")
    String phonemes;

    @Option(names = {"--lang", "--language", "-l"}, defaultValue = "en",
            description = "en, ja (kanji and kana), de, fr, zh, ko, or auto: each sentence's language detected (langdetect, seeded by --seed) and phonemized in it (default: ${DEFAULT-VALUE}).")
    String language;

    @Option(names = {"--output-language", "--out-lang"}, paramLabel = "LANG",
            description = "The language to speak in: only the model's language token changes, the text is phonemized in --lang "
                    + "(the reference's --language against its --text-language); en, ja, de, fr, zh, ko, or auto for token 0 "
                    + "(default: --lang).")
    String outputLanguage;

    @Option(names = {"--prompt", "--prompt-codes"}, paramLabel = "FILE", split = ";",
            description = "The voice to clone: a WAV file (any rate; channel 0 of stereo), or its codes (.npy [T, 8] or a reference .enc). "
                    + "Several (repeated, or joined with ';') are joined in order. Without one there is no prompt.")
    List<Path> prompts = new ArrayList<>();

    @Option(names = "--task", defaultValue = "tts", paramLabel = "TASK",
            description = "tts; vc: voice conversion of --source into the --prompt voice (NAR-len models; the text says what "
                    + "is spoken); ns and sr run plain tts, as in the reference (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--source", paramLabel = "FILE",
            description = "With --task vc: the utterance to convert, a WAV file or its codes (.npy [T, 8] or .enc); the output is as long.")
    Path source;

    @Option(names = "--split-text-by", defaultValue = "sentences", paramLabel = "sentences|lines",
            description = "One utterance per sentence (the reference's default) or per line of the text (its \"\\n\"); "
                    + "phoneme input is always read by line (default: ${DEFAULT-VALUE}).")
    String splitTextBy;

    @Option(names = "--input-prompt-length", defaultValue = "0",
            description = "Seconds to repeat or trim the prompt to; 0 keeps it (default: ${DEFAULT-VALUE}).")
    double inputPromptLength;

    @Option(names = "--out", paramLabel = "WAV", description = "The WAV file to write (32-bit float, 24 kHz, mono); - writes it to standard output.")
    String out;

    @Option(names = "--pcm16", description = "Write 16-bit PCM (rounded, clipped) instead of 32-bit float.")
    boolean pcm16;

    @Option(names = "--codes-out", paramLabel = "FILE", description = "Also (or only) write the codes: .npy int32 [T, 8].")
    Path codesOut;

    @Mixin
    ModelOptions models;

    @Mixin
    SamplingOptions sampling;

    @Option(names = {"--quiet", "-q"}, description = "No progress or summary on stderr; errors only.")
    boolean quiet;

    @Option(names = "--json", description = "Print timings as one JSON object (on stdout; on stderr with --out -).")
    boolean json;

    @Mixin
    VerboseOption verbose;

    SpeakCommand(InputStream stdin, OutputStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (out == null && codesOut == null) {
            throw new IllegalArgumentException("say where the speech goes: --out speech.wav (or --out - for standard output), or --codes-out codes.npy");
        }
        String input = text != null ? text : positionalText;
        if ((input == null) == (phonemes == null)) {
            throw new IllegalArgumentException("give either the text to say (TEXT, --text TEXT, or - to read standard input) or --phonemes IPA");
        }
        if ("-".equals(input)) {
            input = readStdin();
        }
        SpeechRequest.Input kind = phonemes != null ? SpeechRequest.Input.PHONEMES : switch (splitTextBy) {
            case "sentences" -> SpeechRequest.Input.TEXT;
            case "lines" -> SpeechRequest.Input.TEXT_LINES;
            default -> throw new IllegalArgumentException("--split-text-by must be sentences or lines, got '" + splitTextBy + "'");
        };
        SpeechRequest request = new SpeechRequest(phonemes != null ? phonemes : input, kind, language, Voice.NONE,
                sampling.settings()).withOutputLanguage(outputLanguage);

        SpeechTask speechTask;
        try {
            speechTask = SpeechTask.parse(task);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--task must be tts, vc, ns or sr, got '" + task + "'");
        }
        boolean convert = !speechTask.runsAsTts();
        if (convert != (source != null)) {
            throw new IllegalArgumentException(convert ? "--task vc needs --source FILE (the utterance to convert)"
                    : "--source is only for --task vc");
        }
        if (convert && out == null) {
            throw new IllegalArgumentException("--task vc writes audio: give --out speech.wav");
        }
        if (!quiet) {
            speechTask.note().ifPresent(note -> err.println("valle: --" + note));
        }

        long started = System.nanoTime();
        boolean needsCodec = prompts.stream().anyMatch(p -> !CodesFile.isCodesFile(p))
                || (source != null && !CodesFile.isCodesFile(source));
        boolean needsVocoder = out != null;
        try (Valle valle = models.open(needsCodec, needsVocoder, err)) {
            long loaded = System.nanoTime();
            Voice voice = prompts.isEmpty() ? Voice.NONE : valle.voice(prompts).repeatedTo(inputPromptLength);
            long prompted = System.nanoTime();
            SpeakProgress progress = new SpeakProgress(err, quiet, System.console() != null && System.console().isTerminal());
            request = request.withVoice(voice);
            Speech speech = null;
            Codes codes;
            if (convert) {
                speech = valle.convert(request, valle.voice(source).codes(), progress);
                codes = speech.codes();
            } else if (needsVocoder) {
                speech = valle.speak(speechTask, request, progress);
                codes = speech.codes();
            } else {
                codes = valle.generate(request, progress);
            }
            progress.endBar();
            writeOutputs(speech, codes);
            if (!quiet) {
                err.println(summary(speech, codes, System.nanoTime() - prompted));
            }
            if (json) {
                PrintWriter to = "-".equals(out) ? err : spec.commandLine().getOut();
                to.println(JsonWriter.write(timings(models.modelPath, voice, speech, codes, loaded - started, prompted - loaded,
                        System.nanoTime() - prompted)));
                to.flush();
            }
        }
        return 0;
    }

    /** Writes the WAV, then the codes; a failure of either leaves neither. */
    private void writeOutputs(Speech speech, Codes codes) {
        WavFile.Encoding encoding = pcm16 ? WavFile.Encoding.PCM16 : WavFile.Encoding.FLOAT32;
        Path wavFile = out == null || "-".equals(out) ? null : Path.of(out);
        if (wavFile != null) {
            speech.write(wavFile, encoding);
        }
        try {
            if (codesOut != null) {
                CodesFile.write(codesOut, codes);
            }
        } catch (RuntimeException e) {
            deleteQuietly(wavFile);
            throw e;
        }
        if ("-".equals(out)) {
            try {
                stdout.write(speech.wav(encoding));
                stdout.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the WAV to standard output: " + e.getMessage(), e);
            }
        }
    }

    private String summary(Speech speech, Codes codes, long computeNanos) {
        double compute = computeNanos / 1e9;
        String where = out == null ? codesOut.toString() : "-".equals(out) ? "standard output" : out;
        if (speech == null) {
            return String.format("valle: %d frames x %d levels in %.2f s -> %s", codes.frames(), codes.levels(), compute, where);
        }
        return String.format("valle: %d sentence(s), %d frames, %.2f s of audio at %d Hz in %.2f s (real-time factor %.3f) -> %s",
                speech.sentences().size(), codes.frames(), speech.seconds(), speech.sampleRate(), compute,
                compute / Math.max(speech.seconds(), 1e-9), where);
    }

    private Map<String, Object> timings(Path modelPath, Voice voice, Speech speech, Codes codes, long loadNanos,
                                        long promptNanos, long computeNanos) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("model", modelPath.toString());
        t.put("prompt_frames", voice.hasPrompt() ? voice.codes().frames() : 0);
        t.put("frames", codes.frames());
        t.put("levels", codes.levels());
        t.put("load_s", loadNanos / 1e9);
        t.put("prompt_s", promptNanos / 1e9);
        t.put("compute_s", computeNanos / 1e9);
        if (speech != null) {
            List<Object> sentences = new ArrayList<>();
            double codesTime = 0;
            double decodeTime = 0;
            for (SpeechChunk c : speech.sentences()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("text", c.text());
                s.put("modality", c.modality().label());
                s.put("frames", c.codes().frames());
                s.put("audio_s", c.seconds());
                s.put("codes_s", c.generateTime().toNanos() / 1e9);
                s.put("decode_s", c.decodeTime().toNanos() / 1e9);
                codesTime += c.generateTime().toNanos() / 1e9;
                decodeTime += c.decodeTime().toNanos() / 1e9;
                sentences.add(s);
            }
            t.put("sentences", sentences);
            t.put("codes_s", codesTime);
            t.put("decode_s", decodeTime);
            t.put("audio_s", speech.seconds());
            t.put("sample_rate", speech.sampleRate());
            t.put("rtf", computeNanos / 1e9 / Math.max(speech.seconds(), 1e-9));
        }
        t.put("out", out);
        t.put("codes_out", codesOut == null ? null : codesOut.toString());
        return t;
    }

    private String readStdin() {
        byte[] raw;
        try {
            raw = stdin.readNBytes(MAX_STDIN_BYTES + 1);
        } catch (IOException e) {
            throw new ValleException("cannot read standard input: " + e.getMessage(), e);
        }
        if (raw.length > MAX_STDIN_BYTES) {
            throw new IllegalArgumentException("standard input holds more than " + MAX_STDIN_BYTES
                    + " bytes of text; split it and speak the parts one by one");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("standard input is not valid UTF-8 text");
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the error being reported matters more than this one
            }
        }
    }
}
