package valle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.load.NpyArray;

/** {@code valle speak --task vc} end to end on the voice-conversion goldens bundled with the TCK. */
class VoiceConversionCommandTest {
    private static final Path VC = Path.of("..", "valle-tck", "golden", "vc", "ar_nar_len");
    private static final Path VOCOS = Path.of("..", "valle-tck", "golden", "codec", "weights", "vocos");
    /** The golden's call: greedy, CFG 2.5, 8 steps. */
    private static final String[] GOLDEN_SETTINGS = {"--ar-temperature", "0", "--nar-temperature", "0", "--top-no", "0",
        "--max-steps", "8", "--max-duration", "120", "--cfg-strength", "2.5", "--cfg-rescale", "0.75"};

    private static String[] args(String... more) {
        String[] base = {"speak", "--phonemes", "həlˈoʊ wˈɜːld.", "--model", VC.resolve("model.sft").toString(),
            "--prompt", VC.resolve("inputs/prom_codes.npy").toString(), "--vocoder", VOCOS.toString(), "--quiet"};
        String[] out = java.util.Arrays.copyOf(base, base.length + GOLDEN_SETTINGS.length + more.length);
        System.arraycopy(GOLDEN_SETTINGS, 0, out, base.length, GOLDEN_SETTINGS.length);
        System.arraycopy(more, 0, out, base.length + GOLDEN_SETTINGS.length, more.length);
        return out;
    }

    @Test
    void aSourceInsideTheMaskedTailConvertsToTheGoldensCodes(@TempDir Path tmp) {
        // 40 frames all fall in the always-masked last second: no tie order is involved, the codes must match exactly
        Path codes = tmp.resolve("codes.npy");
        CliResult r = CliResult.run(args("--task", "vc", "--source", VC.resolve("vc_inference_short/source_codes.npy").toString(),
                "--out", tmp.resolve("out.wav").toString(), "--codes-out", codes.toString()));
        assertEquals(0, r.code(), r.err());
        NpyArray want = NpyArray.read(VC.resolve("vc_inference_short/codes.npy"));
        NpyArray got = NpyArray.read(codes);
        assertArrayEquals(want.shape(), got.shape());
        assertArrayEquals(want.ints(), got.ints());
    }

    @Test
    void taskMistakesAreOneLine(@TempDir Path tmp) {
        String out = tmp.resolve("out.wav").toString();
        CliResult r = CliResult.run(args("--task", "vc", "--out", out));
        assertEquals(1, r.code());
        assertEquals("valle: --task vc needs --source FILE (the utterance to convert)", r.err().strip());
        r = CliResult.run(args("--source", VC.resolve("vc_inference/source_codes.npy").toString(), "--out", out));
        assertEquals("valle: --source is only for --task vc", r.err().strip());
        r = CliResult.run(args("--task", "xx", "--out", out));
        assertEquals("valle: --task must be tts, vc, ns or sr, got 'xx'", r.err().strip());
        r = CliResult.run(args("--task", "vc", "--source", VC.resolve("vc_inference/source_codes.npy").toString(),
                "--out", out, "--modality", "ar+nar"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("voice conversion needs the nar-len modality"), r.err());
    }

    @Test
    void nsRunsPlainTextToSpeechAndSaysSo(@TempDir Path tmp) {
        Path tts = tmp.resolve("tts.npy");
        Path ns = tmp.resolve("ns.npy");
        assertEquals(0, CliResult.run(args("--codes-out", tts.toString())).code());
        CliResult r = CliResult.run(speakLoud(args("--task", "ns", "--codes-out", ns.toString())));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("--task ns runs plain text-to-speech"), r.err());
        assertArrayEquals(NpyArray.read(tts).ints(), NpyArray.read(ns).ints());
    }

    /** The same arguments without --quiet. */
    private static String[] speakLoud(String[] args) {
        return java.util.Arrays.stream(args).filter(a -> !a.equals("--quiet")).toArray(String[]::new);
    }
}
