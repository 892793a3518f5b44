package valle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.load.NpyArray;

/** {@code valle encode} and {@code valle decode} end to end on the codec goldens bundled with the TCK. */
class CodecCommandsTest {
    private static final Path CODEC = Path.of("..", "valle-tck", "golden", "codec");

    @Test
    void aStereo16kPromptEncodesToTheReferenceCodes(@TempDir Path tmp) {
        Path out = tmp.resolve("codes.npy");
        CliResult r = CliResult.run("encode", CODEC.resolve("golden/prompt_16k_stereo/prompt_16k_stereo.wav").toString(), "--out",
                out.toString(), "--weights", CODEC.resolve("weights/encodec_hf").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("0.40 s at 16000 Hz, 2 channel(s) -> 30 frames x 8 levels (encodec on onnx)"), r.out());
        NpyArray want = NpyArray.read(CODEC.resolve("golden/prompt_16k_stereo/codes.npy"));
        NpyArray got = NpyArray.read(out);
        assertArrayEquals(want.shape(), got.shape());
        assertArrayEquals(want.ints(), got.ints());
        r = CliResult.run("encode", CODEC.resolve("golden/prompt_16k_stereo/prompt_16k_stereo.wav").toString(), "--out",
                out.toString(), "--weights", CODEC.resolve("weights/encodec_hf").toString(), "--backend", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(encodec on java)"), r.out());
        assertArrayEquals(want.ints(), NpyArray.read(out).ints());
    }

    @Test
    void codecBenchTimesEachCodecOnEachBackend() {
        CliResult r = CliResult.run("codec-bench", "--codec", "vocos", "--seconds", "0.2", "--runs", "1", "--warmup", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*vocos +onnx +decode .*vocos +java +decode .*"), r.out());
        r = CliResult.run("codec-bench", "--codec", "vocos", "--backend", "djl");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no codec named 'vocos' on backend 'djl'"), r.err());
    }

    @Test
    void codesDecodeWithVocosByDefaultAndWithEncodecOnRequest(@TempDir Path tmp) {
        String codes = CODEC.resolve("golden/decode_main/codes.npy").toString();
        Path vocos = tmp.resolve("vocos.wav");
        CliResult r = CliResult.run("decode", codes, "--out", vocos.toString(), "--weights", CODEC.resolve("weights/vocos").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(vocos on onnx)"), r.out());
        assertMatches(vocos, CODEC.resolve("golden/decode_main/vocos_wav.npy"));
        Path encodec = tmp.resolve("encodec.wav");
        r = CliResult.run("decode", codes, "--out", encodec.toString(), "--codec", "encodec", "--weights",
                CODEC.resolve("weights/encodec_24khz_tiny.th").toString());
        assertEquals(0, r.code(), r.err());
        assertMatches(encodec, CODEC.resolve("golden/decode_main/encodec_wav.npy"));
    }

    @Test
    void mistakesAreReportedWithoutAStackTraceAndWithoutOutput(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("x.npy");
        CliResult r = CliResult.run("encode", CODEC.resolve("golden/decode_main/codes.npy").toString(), "--out", out.toString(),
                "--weights", CODEC.resolve("weights/encodec_hf").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("codes.npy: not a WAV file"), r.err());
        r = CliResult.run("encode", CODEC.resolve("golden/prompt_44k_mono/prompt_44k_mono.wav").toString(), "--out", out.toString(),
                "--codec", "vocos", "--weights", CODEC.resolve("weights/vocos").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("codec 'vocos' does not encode"), r.err());
        Path truncated = tmp.resolve("model.safetensors");
        byte[] raw = Files.readAllBytes(CODEC.resolve("weights/encodec_hf/model.safetensors"));
        Files.write(truncated, java.util.Arrays.copyOf(raw, raw.length / 2));
        Files.copy(CODEC.resolve("weights/encodec_hf/config.json"), tmp.resolve("config.json"));
        r = CliResult.run("encode", CODEC.resolve("golden/prompt_44k_mono/prompt_44k_mono.wav").toString(), "--out", out.toString(),
                "--weights", tmp.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("valle: model.safetensors: ") && r.err().contains("truncated"), r.err());
        try (var files = Files.list(tmp)) {
            assertEquals(2, files.count(), "nothing but the two inputs");
        }
    }

    private static void assertMatches(Path wav, Path golden) {
        PcmAudio a = WavFile.read(wav);
        NpyArray want = NpyArray.read(golden);
        assertEquals(24000, a.sampleRate());
        assertEquals(want.values().length, a.frames());
        double scale = 1;
        for (double v : want.values()) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.frames(); i++) {
            assertEquals(want.values()[i], a.channels()[0][i], 1e-4 * scale, "sample " + i);
        }
    }
}
