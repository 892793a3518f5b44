package valle.codec.vocos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import valle.api.codec.Codes;
import valle.codec.Golden;
import valle.codec.nn.Taps;

/** Vocos against the reference's runs on the oracle's tiny model, stage by stage, from both weight files. */
class VocosGoldenTest {
    private static VocosModel bin;
    private static VocosModel safetensors;

    @BeforeAll
    static void load() {
        bin = VocosModel.open(Golden.weights("vocos/pytorch_model.bin"));
        safetensors = VocosModel.open(Golden.weights("vocos"));
    }

    @AfterAll
    static void close() {
        bin.close();
        safetensors.close();
    }

    static Stream<Arguments> cases() {
        return Stream.of("decode_main", "edge_short", "edge_exact", "edge_nonmultiple")
                .flatMap(c -> Stream.of(Arguments.of(c, "bin"), Arguments.of(c, "safetensors")));
    }

    @Test
    void theConfigAndShapesAreTheOraclesTinyModel() {
        assertEquals(new VocosConfig(5, 32, 64, 2, 4, 1280, 320, new double[] {1.5, 3, 6, 12}), bin.config());
        assertEquals(16, bin.maxLevels());
        assertEquals(8, bin.levels());
        assertEquals(24000, bin.sampleRate());
        assertEquals(75.0, bin.frameRate());
        assertThrows(UnsupportedOperationException.class, () -> bin.encode(new float[320]));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void decodingMatchesEveryStage(String name, String which) {
        VocosModel model = which.equals("bin") ? bin : safetensors;
        Golden g = Golden.read(name, "codes");
        Codes codes = new Codes(g.shape()[0], g.shape()[1], g.ints());
        Map<String, float[]> taps = new HashMap<>();
        float[] wav = model.decode(codes, 2, collect(taps));
        for (String tap : List.of("vocos_features", "vocos_bb_embed", "vocos_bb_norm", "vocos_bb_block0", "vocos_bb_block1",
                "vocos_backbone_out", "vocos_mag", "vocos_phase")) {
            assertClose(name, tap, taps.get(tap));
        }
        assertEquals(320 * codes.frames(), wav.length);
        assertClose(name, "vocos_wav", wav);
        // the public decode picks vall-e's bandwidth id for 8 levels: 2
        assertClose(name, "vocos_wav", model.decode(codes));
    }

    @Test
    void fourLevelsDecodeUnderTheThreeKbpsCondition() {
        Golden g = Golden.read("edge_exact", "codes");
        int frames = g.shape()[0];
        int[] four = new int[frames * 4];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(g.ints(), t * 8, four, t * 4, 4);
        }
        Codes codes = new Codes(frames, 4, four);
        Map<String, float[]> taps = new HashMap<>();
        float[] wav = bin.decode(codes, 1, collect(taps));
        assertClose("edge_exact", "vocos_bw1_features", taps.get("vocos_features"));
        assertClose("edge_exact", "vocos_bw1_wav", wav);
        assertClose("edge_exact", "vocos_bw1_wav", bin.decode(codes));
    }

    private static Taps collect(Map<String, float[]> into) {
        return (name, shape, values) -> into.put(name, values.clone());
    }

    private static void assertClose(String name, String array, float[] actual) {
        Golden g = Golden.read(name, array);
        double diff = g.maxDiff(actual);
        assertTrue(diff <= g.tolerance(), name + "/" + array + ": max |diff| " + diff + " > " + g.tolerance());
    }
}
