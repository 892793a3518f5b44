package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.audio.WavFile;

/** {@code valle transcribe} on the stt goldens and the tiny codec bundled with the TCK. */
class TranscribeCommandTest {
    private static final Path STT = Path.of("..", "valle-tck", "golden", "stt", "ar_nar_len");
    private static final String MODEL = STT.resolve("model.sft").toString();
    private static final String CODEC = Path.of("..", "valle-tck", "golden", "codec", "weights", "encodec_hf").toString();

    @Test
    void codesInPrintTheGoldensTextAndItsJson() {
        String codes = STT.resolve("stt_inference/input_codes.npy").toString();
        CliResult r = CliResult.run("transcribe", "--codes-in", codes, "--model", MODEL, "--max-steps", "20",
                "--decoding", "reference");
        assertEquals(0, r.code(), r.err());
        assertEquals("θɪnðəˈɪɹˋliəɡɹwʌzˈoʊn", r.out().strip());
        r = CliResult.run("transcribe", "--codes-in", codes, "--model", MODEL, "--max-steps", "20", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"text\":\"θɪnðəˈɪɹˋliəɡɹwʌzˈoʊn\",\"reference_text\":\"θɪnðəˈɪɹˋliəɡɹwʌzˈoʊn\","
                + "\"decoding\":\"joined\",\"ids\":[77,227,166,80,125,52,177,129,214],\"stopped\":true,"), r.out());
    }

    @Test
    void aWavGoesThroughTheBundledCodecAndModel(@TempDir Path tmp) throws Exception {
        Path wav = tmp.resolve("speech.wav");
        float[] pcm = new float[24000 / 2];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / 24000.0));
        }
        WavFile.write(wav, pcm, 24000, WavFile.Encoding.PCM16);
        CliResult r = CliResult.run("transcribe", wav.toString(), "--json", "--model", MODEL, "--codec", CODEC);
        assertEquals(0, r.code(), r.err());
        // 0.5 s at 75 frames per second
        assertTrue(r.out().contains("\"seconds\":0.5"), r.out());
        assertTrue(r.out().contains("\"language\":\"en\""), r.out());
    }

    @Test
    void badInputIsOneLineAndExitCode1(@TempDir Path tmp) throws Exception {
        Path text = Files.writeString(tmp.resolve("not-audio.wav"), "hello");
        assertOneLine(CliResult.run("transcribe", text.toString(), "--model", MODEL, "--codec", CODEC), "not a WAV file");
        Path empty = tmp.resolve("empty.wav");
        WavFile.write(empty, new float[0], 24000, WavFile.Encoding.PCM16);
        assertOneLine(CliResult.run("transcribe", empty.toString(), "--model", MODEL, "--codec", CODEC), "holds no samples");
        Path codes = STT.resolve("stt_inference/input_codes.npy");
        assertOneLine(CliResult.run("transcribe", "--codes-in", codes.toString(), "--lang", "xx", "--model", MODEL),
                "unknown language 'xx': use one of en, ja, de, fr, zh, ko");
        assertOneLine(CliResult.run("transcribe"), "give either a WAV file or --codes-in FILE, not neither");
        assertOneLine(CliResult.run("transcribe", "--codes-in", codes.toString(), "--decoding", "words", "--model", MODEL),
                "--decoding must be joined or reference");
    }

    @Test
    void speechOverTwoMinutesIsRefused(@TempDir Path tmp) throws Exception {
        Path wav = tmp.resolve("long.wav");
        WavFile.write(wav, new float[8000 * 121], 8000, WavFile.Encoding.PCM16);
        assertOneLine(CliResult.run("transcribe", wav.toString(), "--model", MODEL, "--codec", CODEC), "the speech is 121.0 s long; speech-to-text takes at most 120 s");
    }

    private static void assertOneLine(CliResult r, String part) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(part), r.err());
    }
}
