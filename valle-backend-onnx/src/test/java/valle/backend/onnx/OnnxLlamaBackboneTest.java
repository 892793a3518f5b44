package valle.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.tck.contract.Closeness.assertClose;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.WeightFormat;
import valle.api.tensor.Weights;
import valle.arch.llama.LlamaArch;
import valle.attention.SdpaKernel;
import valle.tck.contract.ReferenceBackboneContract;

/** The ONNX graphs against the pure-Java llama plugin, the definition they must compute. */
class OnnxLlamaBackboneTest extends ReferenceBackboneContract {
    private final Arch java = new LlamaArch();
    private final Arch onnx = new OnnxLlamaArch();

    private static BackboneConfig config(int heads, int kvHeads, String activation) {
        return new BackboneConfig("llama", 32, heads, kvHeads, 2, 48, 1e-6f, 10000f, activation, Map.of());
    }

    @Override
    protected Arch arch() {
        return onnx;
    }

    @Override
    protected Arch reference() {
        return java;
    }

    @Override
    protected BackboneConfig config() {
        return config(4, 2, "gelu");
    }

    /** Multi-head, grouped-query and multi-query attention; both activations. */
    @Override
    protected List<BackboneConfig> variants() {
        return List.of(config(4, 4, "gelu"), config(4, 2, "gelu"), config(4, 1, "silu"));
    }

    /** The java llama's attention kernel; the ONNX graph computes its own. */
    @Override
    protected AttentionKernel attention() {
        return new SdpaKernel();
    }

    @Override
    protected double tolerance() {
        return 2e-5;
    }

    @Test
    void stepsPastTheCachesGrowthStepsAndMultiRowPassesOverItMatchTheJavaLlama() {
        BackboneConfig c = config(4, 1, "silu");
        Weights w = java.randomWeights(c, 6);
        try (Backbone expected = java.open(c, w, new SdpaKernel()); Backbone actual = onnx.open(c, w, null);
             BackboneState e = expected.newState(); BackboneState a = actual.newState()) {
            int length = OnnxKvCache.GROWTH - 3;
            BackboneInput prefill = input(length, 0, 11, MaskMode.CAUSAL);
            assertClose(expected.forward(e, prefill), actual.forward(a, prefill), tolerance(), "prefill");
            // one-row steps across the first growth, then causal and bidirectional blocks across the second
            for (int step = 0; step < 6; step++, length++) {
                BackboneInput row = input(1, length, 12 + step, MaskMode.CAUSAL);
                assertClose(expected.forward(e, row), actual.forward(a, row), tolerance(), "step " + step);
            }
            BackboneInput block = input(OnnxKvCache.GROWTH - 5, length, 20, MaskMode.CAUSAL);
            assertClose(expected.forward(e, block), actual.forward(a, block), tolerance(), "causal block");
            length += OnnxKvCache.GROWTH - 5;
            BackboneInput nar = input(9, length, 21, MaskMode.BIDIRECTIONAL);
            assertClose(expected.forward(e, nar), actual.forward(a, nar), tolerance(), "bidirectional block");
            assertEquals(length + 9, a.length());
            try (BackboneState fork = a.fork()) {
                BackboneInput row = input(1, length + 9, 22, MaskMode.CAUSAL);
                assertClose(expected.forward(e, row), actual.forward(fork, row), tolerance(), "a step on a fork");
            }
        }
    }

    /**
     * Quantised weights change the numerics, by a bounded amount: a prefill and cached steps (over a short last
     * block: the MLP's down projection has 48 inputs, a block and a half) stay within a share of the float32
     * pass's largest value. The shares are the measured worst over these configs with some room (int8 weights
     * alone, with float activations, gave 1.2 %; with ORT's int8 activations up to 6.2 %; int4 up to 20 %): a wrong
     * layout (a swapped nibble, a wrong zero point) gives errors of the size of the values themselves.
     */
    @ParameterizedTest
    @CsvSource({"INT8, 0.1", "INT4, 0.3"})
    void quantisedWeightsGiveNearlyTheFloatPasses(WeightFormat format, double share) {
        for (BackboneConfig c : variants()) {
            Weights w = java.randomWeights(c, 5);
            try (Backbone expected = java.open(c, w, new SdpaKernel()); Backbone actual = onnx.open(c, w.requesting(format), null);
                 BackboneState e = expected.newState(); BackboneState a = actual.newState()) {
                BackboneInput prefill = input(9, 0, 3, MaskMode.CAUSAL);
                float[] want = expected.forward(e, prefill);
                assertNear(want, actual.forward(a, prefill), share, c + " " + format + " prefill");
                for (int step = 0; step < 3; step++) {
                    BackboneInput row = input(1, 9 + step, 4 + step, MaskMode.CAUSAL);
                    assertNear(expected.forward(e, row), actual.forward(a, row), share, c + " " + format + " step " + step);
                }
            }
        }
    }

    private static void assertNear(float[] expected, float[] actual, double share, String what) {
        float largest = 0;
        for (float v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertClose(expected, actual, share * largest, what);
    }

    @Test
    void f32AskedForIsTheFileDtypesPathBitForBit() {
        BackboneConfig c = config(4, 2, "gelu");
        Weights w = java.randomWeights(c, 2);
        try (Backbone file = onnx.open(c, w, null); Backbone f32 = onnx.open(c, w.requesting(WeightFormat.F32), null)) {
            BackboneInput in = input(6, 0, 1, MaskMode.CAUSAL);
            assertArrayEquals(file.forward(in), f32.forward(in));
        }
    }

    @Test
    void storesF32Int8AndInt4AndSendsSixteenBitFormatsToTheJavaBackend() {
        for (WeightFormat f : List.of(WeightFormat.F32, WeightFormat.INT8, WeightFormat.INT4)) {
            assertTrue(onnx.supportsFormat(f).ok(), f.label());
        }
        for (WeightFormat f : List.of(WeightFormat.BF16, WeightFormat.F16)) {
            assertFalse(onnx.supportsFormat(f).ok(), f.label());
            assertTrue(onnx.supportsFormat(f).toString().contains("--backend java"), onnx.supportsFormat(f).toString());
        }
    }

    @Test
    void theCachedMaskShowsThePastHidesTheSpareCapacityAndKeepsTheNewRowsMode() {
        float inf = Float.NEGATIVE_INFINITY;
        // 2 cached rows in a capacity of 4, then 2 new rows
        float[] causal = OnnxLlamaBackbone.cachedMask(MaskMode.CAUSAL, 2, 4, 2);
        float[] both = OnnxLlamaBackbone.cachedMask(MaskMode.BIDIRECTIONAL, 2, 4, 2);
        assertEquals(Arrays.toString(new float[] {0, 0, inf, inf, 0, inf, 0, 0, inf, inf, 0, 0}), Arrays.toString(causal));
        assertEquals(Arrays.toString(new float[] {0, 0, inf, inf, 0, 0, 0, 0, inf, inf, 0, 0}), Arrays.toString(both));
    }

    @Test
    void autoPrefersItToTheJavaLlama() {
        assertEquals("onnx", onnx.backend());
        assertTrue(onnx.priority() > java.priority());
    }

    @Test
    void aProbeSeesOnlyThePassesRowsNotTheVacantSequencesStackedAfterThem() {
        try (Backbone b = open(weights())) {
            int rows = 3;
            int[] seen = new int[config().layers()];
            b.forward(input(rows, 0, 5, MaskMode.CAUSAL), new valle.api.arch.BackboneProbe() {
                @Override
                public void layerOutput(int layer, float[] hidden, int probedRows) {
                    assertEquals(probedRows * config().hiddenSize(), hidden.length, "layer " + layer);
                    seen[layer] = probedRows;
                }
            });
            int[] expected = new int[config().layers()];
            Arrays.fill(expected, rows);
            assertArrayEquals(expected, seen);
        }
    }
}
