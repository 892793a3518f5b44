package valle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.load.NpyArray;

/**
 * One rule for the bundled tiny model and codecs: {@code speak}, {@code serve}, {@code encode}, {@code decode}
 * and {@code check} use them exactly when nothing names the files they need, each with the same notice, and
 * weights named by flag or property always win.
 */
class BundledDefaultsTest {
    private static final Path GOLDEN = Path.of("..", "valle-tck", "golden");
    private static final Path MODEL = GOLDEN.resolve("ar_nar_len/model.sft");
    private static final Path ENCODEC = GOLDEN.resolve("codec/weights/encodec_hf");
    private static final Path VOCOS = GOLDEN.resolve("codec/weights/vocos");
    private static final Path WAV = GOLDEN.resolve("codec/golden/prompt_16k_stereo/prompt_16k_stereo.wav");
    private static final Path CODES = GOLDEN.resolve("codec/golden/decode_main/codes.npy");
    private static final String[] PROPERTIES = {"valle.golden", "valle.encodec.weights", "valle.vocos.weights"};

    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void bundleAtTheGoldenFolder() {
        for (String key : PROPERTIES) {
            saved.put(key, System.getProperty(key));
            System.clearProperty(key);
        }
        System.setProperty("valle.golden", GOLDEN.toString());
    }

    @AfterEach
    void restoreProperties() {
        saved.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void speakWithoutAModelUsesTheBundleWithTheNotice(@TempDir Path tmp) {
        CliResult r = CliResult.run("speak", "--phonemes", "həlˈoʊ.", "--prompt", WAV.toString(), "--out", tmp.resolve("a.wav").toString());
        assertEquals(0, r.code(), r.err());
        assertNoticedOnce(r);
    }

    @Test
    void encodeWithoutWeightsUsesTheBundledEncodecWithTheSameNotice(@TempDir Path tmp) {
        Path bundled = tmp.resolve("bundled.npy");
        CliResult r = CliResult.run("encode", WAV.toString(), "--out", bundled.toString());
        assertEquals(0, r.code(), r.err());
        assertNoticedOnce(r);
        Path named = tmp.resolve("named.npy");
        r = CliResult.run("encode", WAV.toString(), "--out", named.toString(), "--weights", ENCODEC.toString());
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains(BundledDefaults.NOTICE), r.err());
        assertArrayEquals(NpyArray.read(named).ints(), NpyArray.read(bundled).ints());
    }

    @Test
    void decodeWithoutWeightsUsesTheBundledVocoderOrTheBundledEncodec(@TempDir Path tmp) {
        for (String codec : new String[] {"vocos", "encodec"}) {
            Path wav = tmp.resolve(codec + ".wav");
            CliResult r = CliResult.run("decode", CODES.toString(), "--out", wav.toString(), "--codec", codec);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("(" + codec + " on "), r.out());
            assertNoticedOnce(r);
            PcmAudio audio = WavFile.read(wav);
            assertEquals(24000, audio.sampleRate());
            assertTrue(audio.frames() > 0);
        }
    }

    @Test
    void weightsNamedByPropertyBeatTheBundle(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-vocos");
        System.setProperty("valle.vocos.weights", missing.toString());
        CliResult r = CliResult.run("decode", CODES.toString(), "--out", tmp.resolve("x.wav").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no-such-vocos"), r.err());
        assertFalse(r.err().contains(BundledDefaults.NOTICE), r.err());
        r = CliResult.run("speak", "--phonemes", "həlˈoʊ.", "--out", tmp.resolve("y.wav").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no-such-vocos"), r.err());
    }

    @Test
    void aNamedModelNeverGetsTheBundledCodecs(@TempDir Path tmp) {
        CliResult r = CliResult.run("speak", "--phonemes", "həlˈoʊ.", "--model", MODEL.toString(), "--out", tmp.resolve("a.wav").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no weights for the vocos codec: pass --vocoder PATH"), r.err());
        assertFalse(r.err().contains(BundledDefaults.NOTICE), r.err());
    }

    @Test
    void checkWithoutFilesChecksWhatSpeakWouldUse() {
        CliResult r = CliResult.run("check");
        assertEquals(0, r.code(), r.err());
        assertNoticedOnce(r);
        for (Path p : new Path[] {MODEL, ENCODEC, VOCOS}) {
            assertTrue(r.out().contains(p + ": OK"), r.out());
        }
        System.setProperty("valle.encodec.weights", VOCOS.toString());
        r = CliResult.run("check");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains(ENCODEC + ": OK"), "the configured weights are checked, not the bundled: " + r.out());
    }

    @Test
    void serveWithoutAModelLoadsTheBundleWithTheNotice() throws Exception {
        // a port already taken: serve loads the model, says so, then fails to bind and returns
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliResult r = CliResult.run("serve", "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, r.code(), r.err());
            assertNoticedOnce(r);
        }
    }

    @Test
    void withoutTheBundleTheErrorSaysWhatToName(@TempDir Path tmp) {
        System.clearProperty("valle.golden");
        CliResult r = CliResult.run("encode", WAV.toString(), "--out", tmp.resolve("x.npy").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--weights"), r.err());
    }

    private static void assertNoticedOnce(CliResult r) {
        int first = r.err().indexOf(BundledDefaults.NOTICE);
        assertTrue(first >= 0, r.err());
        assertEquals(-1, r.err().indexOf(BundledDefaults.NOTICE, first + 1), r.err());
    }
}
