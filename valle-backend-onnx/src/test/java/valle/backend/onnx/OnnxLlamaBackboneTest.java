package valle.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.tensor.Weights;
import valle.arch.llama.LlamaArch;
import valle.attention.SdpaKernel;

/** The ONNX graphs against the pure-Java llama plugin, the definition they must compute. */
class OnnxLlamaBackboneTest {
    private static final float TOLERANCE = 2e-5f;
    private final Arch java = new LlamaArch();
    private final Arch onnx = new OnnxLlamaArch();

    private static BackboneConfig config(int heads, int kvHeads, String activation) {
        return new BackboneConfig("llama", 32, heads, kvHeads, 2, 48, 1e-6f, 10000f, activation, Map.of());
    }

    @ParameterizedTest(name = "{0} heads, {1} kv heads, {2}")
    @CsvSource({"4, 4, gelu", "4, 2, gelu", "4, 1, silu"})
    void fullPassesMatchTheJavaLlama(int heads, int kvHeads, String activation) {
        BackboneConfig c = config(heads, kvHeads, activation);
        Weights w = java.randomWeights(c, 3);
        SplittableRandom rnd = new SplittableRandom(7);
        int rows = 11;
        BackboneInput causal = input(rnd, rows, 5, MaskMode.CAUSAL);
        BackboneInput bidirectional = new BackboneInput(causal.embeddings(), rows, causal.positions(), MaskMode.BIDIRECTIONAL);
        try (Backbone expected = java.open(c, w, new SdpaKernel()); Backbone actual = onnx.open(c, w, null)) {
            assertClose(expected.forward(causal), actual.forward(causal));
            assertClose(expected.forward(bidirectional), actual.forward(bidirectional));
        }
    }

    @Test
    void aProbeSeesEveryBlocksOutputAsTheJavaLlamaReportsIt() {
        BackboneConfig c = config(4, 2, "silu");
        Weights w = java.randomWeights(c, 6);
        BackboneInput in = input(new SplittableRandom(4), 7, 0, MaskMode.BIDIRECTIONAL);
        try (Backbone expected = java.open(c, w, new SdpaKernel()); Backbone actual = onnx.open(c, w, null)) {
            List<float[]> want = new ArrayList<>();
            List<float[]> got = new ArrayList<>();
            float[] e = expected.forward(in, recorder(want));
            assertClose(e, actual.forward(in, recorder(got)));
            assertEquals(c.layers(), got.size());
            for (int l = 0; l < c.layers(); l++) {
                assertClose(want.get(l), got.get(l));
            }
        }
    }

    private static BackboneProbe recorder(List<float[]> layers) {
        return new BackboneProbe() {
            @Override
            public void layerOutput(int layer, float[] hidden, int rows) {
                layers.add(Arrays.copyOf(hidden, rows * 32));
            }
        };
    }

    @Test
    void cachedStepsAndBidirectionalRowsOverACacheMatchTheJavaLlama() {
        BackboneConfig c = config(4, 2, "gelu");
        Weights w = java.randomWeights(c, 4);
        SplittableRandom rnd = new SplittableRandom(9);
        try (Backbone expected = java.open(c, w, new SdpaKernel()); Backbone actual = onnx.open(c, w, null);
             BackboneState e = expected.newState(); BackboneState a = actual.newState()) {
            BackboneInput prefill = input(rnd, 6, 0, MaskMode.CAUSAL);
            assertClose(expected.forward(e, prefill), actual.forward(a, prefill));
            for (int step = 0; step < 4; step++) {
                BackboneInput row = input(rnd, 1, 6 + step, MaskMode.CAUSAL);
                assertClose(expected.forward(e, row), actual.forward(a, row));
            }
            BackboneInput nar = input(rnd, 3, 10, MaskMode.BIDIRECTIONAL);
            assertClose(expected.forward(e, nar), actual.forward(a, nar));
            assertEquals(13, a.length());
        }
    }

    @Test
    void stepsPastTheCachesGrowthStepsAndMultiRowPassesOverItMatchTheJavaLlama() {
        BackboneConfig c = config(4, 1, "silu");
        Weights w = java.randomWeights(c, 6);
        SplittableRandom rnd = new SplittableRandom(11);
        try (Backbone expected = java.open(c, w, new SdpaKernel()); Backbone actual = onnx.open(c, w, null);
             BackboneState e = expected.newState(); BackboneState a = actual.newState()) {
            int length = OnnxKvCache.GROWTH - 3;
            BackboneInput prefill = input(rnd, length, 0, MaskMode.CAUSAL);
            assertClose(expected.forward(e, prefill), actual.forward(a, prefill));
            // one-row steps across the first growth, then causal and bidirectional blocks across the second
            for (int step = 0; step < 6; step++, length++) {
                BackboneInput row = input(rnd, 1, length, MaskMode.CAUSAL);
                assertClose(expected.forward(e, row), actual.forward(a, row));
            }
            BackboneInput block = input(rnd, OnnxKvCache.GROWTH - 5, length, MaskMode.CAUSAL);
            assertClose(expected.forward(e, block), actual.forward(a, block));
            length += OnnxKvCache.GROWTH - 5;
            BackboneInput nar = input(rnd, 9, length, MaskMode.BIDIRECTIONAL);
            assertClose(expected.forward(e, nar), actual.forward(a, nar));
            assertEquals(length + 9, a.length());
            try (BackboneState fork = a.fork()) {
                BackboneInput row = input(rnd, 1, length + 9, MaskMode.CAUSAL);
                assertClose(expected.forward(e, row), actual.forward(fork, row));
            }
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
    void aForkContinuesIndependentlyAndResetStartsOver() {
        BackboneConfig c = config(4, 4, "gelu");
        Weights w = java.randomWeights(c, 5);
        SplittableRandom rnd = new SplittableRandom(1);
        BackboneInput first = input(rnd, 4, 0, MaskMode.CAUSAL);
        BackboneInput next = input(rnd, 1, 4, MaskMode.CAUSAL);
        BackboneInput other = input(rnd, 1, 4, MaskMode.CAUSAL);
        try (Backbone b = onnx.open(c, w, null); BackboneState state = b.newState()) {
            b.forward(state, first);
            try (BackboneState fork = state.fork()) {
                float[] onState = b.forward(state, other);
                float[] onFork = b.forward(fork, next);
                assertClose(stepAfter(b, first, other), onState);
                assertClose(stepAfter(b, first, next), onFork);
                assertEquals(5, fork.length());
            }
            state.reset();
            assertEquals(0, state.length());
            assertClose(b.forward(first), b.forward(state, first));
        }
    }

    private static float[] stepAfter(Backbone b, BackboneInput first, BackboneInput next) {
        try (BackboneState s = b.newState()) {
            b.forward(s, first);
            return b.forward(s, next);
        }
    }

    @Test
    void aMissingOrMisshapedWeightNamesTheTensor() {
        BackboneConfig c = config(4, 4, "gelu");
        Weights w = java.randomWeights(c, 1);
        BackboneConfig wider = new BackboneConfig("llama", 32, 4, 4, 2, 64, 1e-6f, 10000f, "gelu", Map.of());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> onnx.open(wider, w, null));
        assertTrue(e.getMessage().contains("layers.0.mlp.gate_proj.weight' has shape [48, 32], expected [64, 32]"),
                e.getMessage());
    }

    @Test
    void randomWeightsAreTheJavaLlamasForASeed() {
        BackboneConfig c = config(4, 2, "gelu");
        Weights expected = java.randomWeights(c, 8);
        Weights actual = onnx.randomWeights(c, 8);
        assertEquals(expected.names(), actual.names());
        for (String name : expected.names()) {
            assertTrue(Arrays.equals(expected.find(name).orElseThrow().toFloatArray(),
                    actual.find(name).orElseThrow().toFloatArray()), name);
        }
    }

    @Test
    void itIsTheLlamaArchOnTheOnnxBackend() {
        assertEquals("llama", onnx.name());
        assertEquals("onnx", onnx.backend());
        assertTrue(onnx.availability().ok(), onnx.availability().toString());
        assertTrue(onnx.priority() > java.priority());
        assertTrue(!onnx.supports(new BackboneConfig("retnet", 32, 4, 4, 2, 48, 1e-6f, 1e4f, "gelu", Map.of())).ok());
    }

    private static BackboneInput input(SplittableRandom rnd, int rows, int firstPosition, MaskMode mask) {
        float[] x = new float[rows * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int[] positions = new int[rows];
        for (int i = 0; i < rows; i++) {
            positions[i] = firstPosition + i;
        }
        return new BackboneInput(x, rows, positions, mask);
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, "max |difference| " + worst + " > " + TOLERANCE);
    }
}
