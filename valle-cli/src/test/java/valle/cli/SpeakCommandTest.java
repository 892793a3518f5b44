package valle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import valle.core.Valle;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.load.NpyArray;
import valle.core.speech.Speech;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;
import valle.kit.io.Json;

/**
 * {@code valle speak} end to end on the tiny golden model and codecs: prompt WAV in, WAV out, checked against a
 * direct facade call with the same seed. Phoneme input keeps it free of espeak-ng.
 */
class SpeakCommandTest {
    private static final Path GOLDEN = Path.of("..", "valle-tck", "golden");
    private static final Path MODEL = GOLDEN.resolve("ar_nar_len/model.sft");
    private static final Path ENCODEC = GOLDEN.resolve("codec/weights/encodec_hf");
    private static final Path VOCOS = GOLDEN.resolve("codec/weights/vocos");
    private static final Path PROMPT = GOLDEN.resolve("codec/golden/prompt_16k_stereo/prompt_16k_stereo.wav");
    private static final String PHONEMES = "həlˈoʊ wˈɜːld.\nhˈaʊ ɑːɹ juː?";
    private static final String[] SAMPLING = {"--seed", "9", "--ar-temperature", "0.8", "--max-duration", "80"};

    @Test
    void theWavHoldsTheFacadesSpeechForTheSameSeed(@TempDir Path tmp) {
        Path wav = tmp.resolve("speech.wav");
        Path codes = tmp.resolve("codes.npy");
        Result r = run(null, "speak", "--phonemes", PHONEMES, "--model", MODEL.toString(), "--codec", ENCODEC.toString(),
                "--vocoder", VOCOS.toString(), "--prompt", PROMPT.toString(), "--out", wav.toString(),
                "--codes-out", codes.toString(), SAMPLING[0], SAMPLING[1], SAMPLING[2], SAMPLING[3], SAMPLING[4], SAMPLING[5]);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("sentence 2/2"), r.err());

        Speech direct;
        try (Valle tts = Valle.builder().model(MODEL).codec(ENCODEC).vocoder(VOCOS).build()) {
            direct = tts.speak(SpeechRequest.ofPhonemes(PHONEMES, tts.voice(PROMPT)).withSettings(settings(SAMPLING)));
        }
        NpyArray written = NpyArray.read(codes);
        assertArrayEquals(new int[] {direct.codes().frames(), 8}, written.shape());
        assertArrayEquals(direct.codes().data(), written.ints());
        PcmAudio audio = WavFile.read(wav);
        assertEquals(24000, audio.sampleRate());
        assertEquals(1, audio.channels().length);
        assertEquals(320 * written.shape()[0], audio.frames(), "320 samples per frame");
        assertArrayEquals(direct.samples(), audio.channels()[0]);
    }

    @Test
    void textFromStandardInputAndWavToStandardOutput(@TempDir Path tmp) throws Exception {
        Path wav = tmp.resolve("file.wav");
        String[] common = {"--model", MODEL.toString(), "--vocoder", VOCOS.toString(), "--seed", "4", "--quiet"};
        Result toFile = run(null, concat(new String[] {"speak", "--phonemes", "həlˈoʊ.", "--out", wav.toString()}, common));
        assertEquals(0, toFile.code(), toFile.err());
        assertEquals("", toFile.err(), "--quiet prints nothing");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Result toStdout = run(stdout, concat(new String[] {"speak", "--phonemes", "həlˈoʊ.", "--out", "-", "--json"}, common));
        assertEquals(0, toStdout.code(), toStdout.err());
        assertArrayEquals(Files.readAllBytes(wav), stdout.toByteArray());
        Map<String, Object> timings = Json.parseObject(toStdout.err().strip(), "timings");
        assertEquals(1L, ((List<?>) timings.get("sentences")).size());
        assertTrue(((Number) timings.get("rtf")).doubleValue() > 0);

        // "-" reads the text from standard input: the same phonemes (they tokenize as they are) give the same audio
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        Result fromStdin = run(again, new ByteArrayInputStream("həlˈoʊ.".getBytes(StandardCharsets.UTF_8)),
                concat(new String[] {"speak", "-", "--out", "-"}, common));
        assertEquals(0, fromStdin.code(), fromStdin.err());
        assertArrayEquals(stdout.toByteArray(), again.toByteArray());
        Result badUtf8 = run(new ByteArrayOutputStream(), new ByteArrayInputStream(new byte[] {(byte) 0xC3, 0x28}),
                concat(new String[] {"speak", "-", "--out", "-"}, common));
        assertEquals(1, badUtf8.code());
        assertEquals("valle: standard input is not valid UTF-8 text", badUtf8.err().strip());
    }

    @Test
    void withoutAModelTheBundledOneSpeaksAndSaysItIsNoise(@TempDir Path tmp) {
        String before = System.getProperty("valle.golden");
        System.setProperty("valle.golden", GOLDEN.toString());
        try {
            Path wav = tmp.resolve("default.wav");
            Result r = run(null, "speak", "--phonemes", "həlˈoʊ.", "--prompt", PROMPT.toString(), "--out", wav.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("bundled tiny random model") && r.err().contains("noise"), r.err());
            PcmAudio audio = WavFile.read(wav);
            assertEquals(24000, audio.sampleRate());
            assertEquals(0, audio.frames() % 320);
            assertNotEquals(0, audio.frames());
        } finally {
            if (before == null) {
                System.clearProperty("valle.golden");
            } else {
                System.setProperty("valle.golden", before);
            }
        }
    }

    @Test
    void badInputIsOneLineAndLeavesNoOutput(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out.wav");
        Path notWav = tmp.resolve("voice.wav");
        Files.writeString(notWav, "not audio");
        String[] models = {"--model", MODEL.toString(), "--codec", ENCODEC.toString(), "--vocoder", VOCOS.toString()};
        List<String[]> cases = List.of(
                new String[] {"--phonemes", "həlˈoʊ.", "--prompt", tmp.resolve("missing.wav").toString()},
                new String[] {"--phonemes", "həlˈoʊ.", "--prompt", notWav.toString()},
                new String[] {"--phonemes", "həlˈoʊ.", "--lang", "xx"},
                new String[] {"--phonemes", "  "},
                new String[] {"--phonemes", "həlˈoʊ.", "--model", ENCODEC.resolve("model.safetensors").toString()},
                new String[] {"--phonemes", "həlˈoʊ.", "--model", tmp.toString()});
        List<String> expected = List.of("missing.wav", "voice.wav: not a WAV file", "unknown language 'xx'",
                "the text is empty", "model.safetensors: the safetensors metadata has no 'config' entry",
                "holds no .sft checkpoint");
        for (int i = 0; i < cases.size(); i++) {
            String[] model = List.of(cases.get(i)).contains("--model") ? new String[] {"--vocoder", VOCOS.toString()} : models;
            Result r = run(null, concat(concat(new String[] {"speak", "--out", out.toString(), "-q"}, model), cases.get(i)));
            assertEquals(1, r.code(), r.err());
            String err = r.err().strip();
            assertFalse(err.contains("\n"), "one line: " + err);
            assertTrue(err.startsWith("valle: ") && err.contains(expected.get(i)), err);
            assertFalse(Files.exists(out), "no output after: " + err);
        }
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(notWav), files.toList(), "nothing but the input");
        }
    }

    @Test
    void aLoraChangesTheSpeechAndOneForAnotherModelIsRefused(@TempDir Path tmp) throws Exception {
        Path lora = GOLDEN.resolve("arch-more/ar_nar_llama_lora");
        String[] common = {"speak", "--phonemes", "həlˈoʊ.", "--model", lora.resolve("model.sft").toString(),
            "--ar-temperature", "0", "--max-duration", "20", "-q"};
        Path plain = tmp.resolve("plain.npy");
        Path adapted = tmp.resolve("adapted.npy");
        Path merged = tmp.resolve("merged.npy");
        assertEquals(0, run(null, concat(common, new String[] {"--codes-out", plain.toString()})).code());
        assertEquals(0, run(null, concat(common, new String[] {"--codes-out", adapted.toString(), "--lora",
            lora.resolve("lora.sft").toString()})).code());
        assertEquals(0, run(null, concat(common, new String[] {"--codes-out", merged.toString(), "--lora",
            lora.resolve("lora.sft").toString(), "--lora-merge"})).code());
        assertFalse(Arrays.equals(NpyArray.read(plain).ints(), NpyArray.read(adapted).ints()));
        assertArrayEquals(NpyArray.read(adapted).ints(), NpyArray.read(merged).ints());
        // the tiny Llama models all share one shape; a Mamba model has none of the adapted layers
        Result other = run(null, "speak", "--phonemes", "həlˈoʊ.", "--model", GOLDEN.resolve("arch/ar_nar_mamba/model.sft").toString(), "--lora",
                lora.resolve("lora.sft").toString(), "--codes-out", tmp.resolve("x.npy").toString(), "-q");
        assertNotEquals(0, other.code());
        assertTrue(other.err().contains("lora.sft") && other.err().contains("do not fit"), other.err());
        assertFalse(Files.exists(tmp.resolve("x.npy")));
    }

    @Test
    void splitTextByLinesSpeaksALineOfTwoSentencesAsOneUtterance(@TempDir Path tmp) {
        String[] common = {"speak", "həlˈoʊ wˈɜːld. hˈaʊ ɑːɹ juː?", "--model", MODEL.toString(), "--ar-temperature", "0",
            "--max-duration", "20", "--codes-out", tmp.resolve("c.npy").toString()};
        Result sentences = run(null, concat(common, new String[] {"--split-text-by", "sentences"}));
        assertEquals(0, sentences.code(), sentences.err());
        assertTrue(sentences.err().contains("sentence 2/2"), sentences.err());
        Result lines = run(null, concat(common, new String[] {"--split-text-by", "lines"}));
        assertEquals(0, lines.code(), lines.err());
        assertTrue(lines.err().contains("sentence 1/1"), lines.err());
        Result bad = run(null, concat(common, new String[] {"--split-text-by", "words"}));
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("--split-text-by must be sentences or lines, got 'words'"), bad.err());
    }

    @Test
    void outLangChangesTheLanguageTokenAsTheFacadesOutputLanguageDoes(@TempDir Path tmp) {
        String[] common = {"speak", "--phonemes", "həlˈoʊ wˈɜːld.", "--model", MODEL.toString(), "--ar-temperature", "0",
            "--max-duration", "20", "-q"};
        Path plain = tmp.resolve("plain.npy");
        Path german = tmp.resolve("german.npy");
        assertEquals(0, run(null, concat(common, new String[] {"--codes-out", plain.toString()})).code());
        Result r = run(null, concat(common, new String[] {"--codes-out", german.toString(), "--out-lang", "de"}));
        assertEquals(0, r.code(), r.err());
        SpeechRequest request = SpeechRequest.ofPhonemes("həlˈoʊ wˈɜːld.", Voice.NONE)
                .withSettings(settings("--ar-temperature", "0", "--max-duration", "20"));
        try (Valle tts = Valle.builder().model(MODEL).build()) {
            assertArrayEquals(tts.generate(request, SpeechListener.NONE).data(), NpyArray.read(plain).ints());
            assertArrayEquals(tts.generate(request.withOutputLanguage("de"), SpeechListener.NONE).data(),
                    NpyArray.read(german).ints());
        }
        assertFalse(Arrays.equals(NpyArray.read(plain).ints(), NpyArray.read(german).ints()),
                "the tiny model should tell tokens 0 and 2 apart");
        Result bad = run(null, concat(common, new String[] {"--codes-out", tmp.resolve("x.npy").toString(), "--out-lang", "xx"}));
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("unknown language 'xx'"), bad.err());
    }

    @Test
    void aWeightFormatIsAskedForAtLoadAndOneTheArchCannotStoreIsRefused(@TempDir Path tmp) {
        String[] common = {"speak", "--phonemes", "həlˈoʊ.", "--model", MODEL.toString(), "--ar-temperature", "0",
            "--max-duration", "20", "-q"};
        Path f32 = tmp.resolve("f32.npy");
        Path int8 = tmp.resolve("int8.npy");
        assertEquals(0, run(null, concat(common, new String[] {"--codes-out", f32.toString(), "--weight-dtype", "f32"})).code());
        assertEquals(0, run(null, concat(common, new String[] {"--codes-out", int8.toString(), "--weight-dtype", "int8"})).code());
        assertTrue(NpyArray.read(int8).ints().length > 0);
        // the Mamba arch keeps its file dtype: under auto no arch stores int8 for it, and the refusal says why
        Result mamba = run(null, "speak", "--phonemes", "həlˈoʊ.", "--model", GOLDEN.resolve("arch/ar_nar_mamba/model.sft").toString(),
                "--weight-dtype", "int8", "--codes-out", tmp.resolve("m.npy").toString(), "-q");
        assertNotEquals(0, mamba.code());
        assertTrue(mamba.err().contains("int8") && mamba.err().contains("file dtype"), mamba.err());
        assertFalse(Files.exists(tmp.resolve("m.npy")));
        Result unknown = run(null, concat(common, new String[] {"--codes-out", tmp.resolve("u.npy").toString(), "--weight-dtype", "int3"}));
        assertNotEquals(0, unknown.code());
        assertTrue(unknown.err().contains("--weight-dtype") && unknown.err().contains("int4"), unknown.err());
    }

    /** The settings {@code valle speak} makes of these flags, parsed by the same options class. */
    private static valle.core.speech.InferenceSettings settings(String... flags) {
        SamplingOptions options = new SamplingOptions();
        new CommandLine(options).parseArgs(flags);
        return options.settings();
    }

    private static String[] concat(String[] a, String[] b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(ByteArrayOutputStream binary, String... args) {
        return run(binary, new ByteArrayInputStream(new byte[0]), args);
    }

    private static Result run(ByteArrayOutputStream binary, ByteArrayInputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, stdin, binary == null ? new ByteArrayOutputStream() : binary, new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
