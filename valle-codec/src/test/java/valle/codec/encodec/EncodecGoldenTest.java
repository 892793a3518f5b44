package valle.codec.encodec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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

/**
 * EnCodec against the reference's own runs on the tiny model of the codec oracle, stage by stage, loaded from
 * both published layouts: the HF folder (config.json + model.safetensors) and the original .th checkpoint.
 */
class EncodecGoldenTest {
    private static final List<String> ENCODE_CASES = List.of("encode_main", "edge_short", "edge_exact", "edge_nonmultiple");
    private static final List<String> DECODE_CASES = List.of("decode_main", "edge_short", "edge_exact", "edge_nonmultiple");
    private static EncodecModel hf;
    private static EncodecModel th;

    @BeforeAll
    static void load() {
        hf = EncodecModel.open(Golden.weights("encodec_hf"));
        th = EncodecModel.open(Golden.weights("encodec_24khz_tiny.th"));
    }

    @AfterAll
    static void close() {
        hf.close();
        th.close();
    }

    static Stream<Arguments> encodeCases() {
        return ENCODE_CASES.stream().flatMap(c -> Stream.of(Arguments.of(c, "hf"), Arguments.of(c, "th")));
    }

    static Stream<Arguments> decodeCases() {
        return DECODE_CASES.stream().flatMap(c -> Stream.of(Arguments.of(c, "hf"), Arguments.of(c, "th")));
    }

    private static EncodecModel model(String which) {
        return which.equals("hf") ? hf : th;
    }

    @Test
    void bothLayoutsDescribeTheSameModel() {
        assertEquals(hf.config(), th.config());
        assertEquals(24000, hf.sampleRate());
        assertEquals(75.0, hf.frameRate());
        assertEquals(8, hf.levels());
        assertEquals(32, hf.maxLevels());
        assertEquals(1024, hf.codebookSize());
        assertEquals(3, hf.config().filters());
        assertEquals(5, hf.config().dimension());
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("encodeCases")
    void encodingMatchesEveryStage(String name, String which) {
        float[] input = Golden.read(name, "input").values();
        Map<String, float[]> taps = new HashMap<>();
        Codes codes = model(which).encode(input, 8, collect(taps));
        List<String> compared = new ArrayList<>();
        for (String tap : List.of("enc_down1", "enc_down2", "enc_down3", "enc_down4", "enc_lstm", "latent", "rvq_residuals")) {
            if (Golden.has(name, tap)) {
                assertClose(name, tap, taps.get(tap));
                compared.add(tap);
            }
        }
        assertTrue(compared.containsAll(List.of("enc_down4", "enc_lstm", "latent", "rvq_residuals")), compared.toString());
        assertClose(name, "rvq_residual_norms", norms(taps.get("rvq_residuals"), input.length, hf.config().dimension()));
        Golden expected = Golden.read(name, "codes");
        assertArrayEquals(expected.shape(), new int[] {codes.frames(), codes.levels()});
        assertArrayEquals(expected.ints(), codes.data(), name + " codes");
        if (Golden.has(name, "codes_24kbps")) {
            Codes all = model(which).encode(input, 32);
            assertArrayEquals(Golden.read(name, "codes_24kbps").ints(), all.data(), name + " codes at 24 kbps");
        }
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("decodeCases")
    void decodingMatchesEveryStage(String name, String which) {
        Golden g = Golden.read(name, "codes");
        Codes codes = new Codes(g.shape()[0], g.shape()[1], g.ints());
        Map<String, float[]> taps = new HashMap<>();
        float[] wav = model(which).decode(codes, collect(taps));
        for (String tap : List.of("encodec_decoder_input", "dec_conv_in", "dec_lstm", "dec_up1", "dec_up2", "dec_up3", "dec_up4")) {
            if (Golden.has(name, tap)) {
                assertClose(name, tap, taps.get(tap));
            }
        }
        assertEquals(320 * codes.frames(), wav.length);
        assertClose(name, "encodec_wav", wav);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("promptCases")
    void resampledPromptsEncodeToTheReferenceCodes(String name) {
        Codes codes = hf.encode(Golden.read(name, "resampled").values());
        assertArrayEquals(Golden.read(name, "codes").ints(), codes.data(), name);
    }

    static Stream<String> promptCases() {
        return Stream.of("prompt_16k_stereo", "prompt_44k_mono");
    }

    @Test
    void fewerLevelsArePrefixesOfMore() {
        float[] input = Golden.read("edge_exact", "input").values();
        Codes eight = hf.encode(input, 8);
        Codes two = hf.encode(input, 2);
        for (int t = 0; t < eight.frames(); t++) {
            assertEquals(eight.get(t, 0), two.get(t, 0));
            assertEquals(eight.get(t, 1), two.get(t, 1));
        }
    }

    private static Taps collect(Map<String, float[]> into) {
        return (name, shape, values) -> into.put(name, values.clone());
    }

    private static float[] norms(float[] residuals, int samples, int dim) {
        float[] out = new float[residuals.length / dim];
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (int d = 0; d < dim; d++) {
                s += residuals[i * dim + d] * residuals[i * dim + d];
            }
            out[i] = (float) Math.sqrt(s);
        }
        return out;
    }

    private static void assertClose(String name, String array, float[] actual) {
        Golden g = Golden.read(name, array);
        double diff = g.maxDiff(actual);
        assertTrue(diff <= g.tolerance(), name + "/" + array + ": max |diff| " + diff + " > " + g.tolerance());
    }

}
