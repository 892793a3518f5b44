package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The codec cases: found by layout wherever they sit, and failing loudly on a wrong golden value. */
class CodecCasesTest {
    private static final Path CODEC = BundledGoldensTest.GOLDEN.resolve("codec");

    @Test
    void aCodecSetUnderOtherNamesRunsEveryCase(@TempDir Path tmp) throws Exception {
        Path set = tmp.resolve("my set");
        copy(CODEC.resolve("weights"), set.resolve("files"));
        copy(CODEC.resolve("golden"), set.resolve("cases/more"));
        List<String> lines = new ArrayList<>();
        new ConformanceSuite(null, null).run(tmp, r -> lines.add(r.line()));
        assertEquals(8, lines.size(), lines.toString());
        for (String c : new String[] {"encode_main", "decode_main", "edge_short", "edge_exact", "edge_nonmultiple",
            "prompt_16k_stereo", "prompt_44k_mono", "resample_lengths"}) {
            assertTrue(lines.contains("PASS my set/cases/more/" + c), lines.toString());
        }
    }

    @Test
    void aWrongSampleOrCodeFailsNamingTheArrayAndTheWeightFile(@TempDir Path tmp) throws Exception {
        copy(CODEC.resolve("weights"), tmp.resolve("weights"));
        copy(CODEC.resolve("golden/edge_exact"), tmp.resolve("golden/edge_exact"));
        copy(CODEC.resolve("golden/encode_main"), tmp.resolve("golden/encode_main"));
        poke(tmp.resolve("golden/edge_exact/vocos_wav.npy"), 100, Float.floatToIntBits(0.75f));
        poke(tmp.resolve("golden/encode_main/codes.npy"), 3, 1023);
        List<CaseResult> results = new ConformanceSuite(null, null).run(tmp, r -> { });
        CaseResult wav = results.getFirst();
        assertTrue(!wav.passed() && wav.detail().startsWith("vocos_wav (model.safetensors): max |diff|")
                && wav.detail().contains("at [100] (expected 0.750000") && wav.detail().contains("vocos_wav (pytorch_model.bin)")
                && !wav.detail().contains("encodec"), wav.line());
        CaseResult codes = results.get(1);
        assertTrue(!codes.passed() && codes.detail().contains("codes (encodec_24khz_tiny.th): 1 of 480 differ, first at [0, 3]"
                + " (expected 1023") && codes.detail().contains("codes (encodec_hf)"), codes.line());
    }

    @Test
    void aCaseWithoutWeightsOrOfAnUnknownKindFails(@TempDir Path tmp) throws Exception {
        copy(CODEC.resolve("golden/encode_main"), tmp.resolve("a/encode_main"));
        Files.createDirectories(tmp.resolve("a/spectrogram"));
        Files.writeString(tmp.resolve("a/spectrogram/manifest.json"), "{\"values\": {}}");
        Files.write(tmp.resolve("a/spectrogram/mel.npy"), Files.readAllBytes(CODEC.resolve("golden/encode_main/latent.npy")));
        List<String> lines = new ArrayList<>();
        new ConformanceSuite(null, null).run(tmp, r -> lines.add(r.line()));
        assertTrue(lines.contains("FAIL a/encode_main no EnCodec weights found above the case to encode with"), lines.toString());
        assertTrue(lines.contains("FAIL a/spectrogram not supported: unknown case kind"), lines.toString());
    }

    /** Overwrites the little-endian 32-bit element {@code index} of an .npy file (header of 128 bytes or fewer). */
    private static void poke(Path npy, int index, int bits) throws Exception {
        byte[] raw = Files.readAllBytes(npy);
        int header = 10 + ((raw[8] & 0xff) | (raw[9] & 0xff) << 8);
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putInt(header + 4 * index, bits);
        Files.write(npy, raw);
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
    }
}
