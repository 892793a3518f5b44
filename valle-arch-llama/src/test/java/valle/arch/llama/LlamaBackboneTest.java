package valle.arch.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;
import valle.attention.SdpaKernel;

class LlamaBackboneTest {
    private static final int D = 16;
    private static final int LAYERS = 2;
    private static final int F = 40;
    private static final BackboneConfig CONFIG =
            new BackboneConfig("llama", D, 4, 2, LAYERS, F, 1e-6f, 10000f, "gelu", Map.of());

    @Test
    void cachedDecodingMatchesTheFullPassRowByRow() {
        int rows = 9;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = random(rnd, rows * D);
        int[] pos = {0, 1, 2, 3, 0, 1, 0, 1, 2};
        try (Backbone b = open(weights(rnd))) {
            float[] full = b.forward(new BackboneInput(x, rows, pos, MaskMode.CAUSAL));
            try (BackboneState state = b.newState()) {
                int prefill = 4;
                float[] first = b.forward(state, slice(x, pos, 0, prefill));
                assertRowsClose(full, 0, first, prefill);
                for (int r = prefill; r < rows; r++) {
                    float[] step = b.forward(state, slice(x, pos, r, 1));
                    assertRowsClose(full, r, step, 1);
                }
                assertEquals(rows, state.length());
            }
        }
    }

    @Test
    void aBatchOfSequencesMatchesTheirSeparatePasses() {
        // CFG's conditional and null passes: different lengths and masks, stacked for the matrix products only
        SplittableRandom rnd = new SplittableRandom(21);
        float[] a = random(rnd, 7 * D);
        float[] c = random(rnd, 3 * D);
        BackboneInput first = new BackboneInput(a, 7, new int[] {0, 1, 2, 3, 4, 5, 6}, MaskMode.BIDIRECTIONAL);
        BackboneInput second = new BackboneInput(c, 3, new int[] {0, 1, 0}, MaskMode.CAUSAL);
        try (Backbone b = open(weights(rnd))) {
            List<float[]> batch = b.forward(List.of(first, second));
            assertRowsClose(b.forward(first), 0, batch.get(0), 7);
            assertRowsClose(b.forward(second), 0, batch.get(1), 3);
            assertEquals(7 * D, batch.get(0).length);
            assertEquals(3 * D, batch.get(1).length);
        }
    }

    @Test
    void aPassGivesTheSameBitsAfterLargerAndSmallerPasses() {
        // passes reuse the last pass's workspace: nothing a longer pass left in it may reach a shorter one
        SplittableRandom rnd = new SplittableRandom(31);
        Weights w = weights(rnd);
        float[] x = random(rnd, 12 * D);
        BackboneInput shortPass = slice(x, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0, 5);
        BackboneInput longPass = new BackboneInput(x, 12, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
                MaskMode.BIDIRECTIONAL);
        float[] fresh;
        try (Backbone b = open(w)) {
            fresh = b.forward(shortPass);
        }
        try (Backbone b = open(w)) {
            float[] longFirst = b.forward(longPass);
            assertArrayEquals(fresh, b.forward(shortPass), "after a longer pass");
            assertArrayEquals(longFirst, b.forward(longPass), "after a shorter pass");
        }
    }

    @Test
    void forkedStateContinuesIndependently() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] x = random(rnd, 3 * D);
        int[] pos = {0, 1, 2};
        try (Backbone b = open(weights(rnd)); BackboneState state = b.newState()) {
            b.forward(state, slice(x, pos, 0, 2));
            try (BackboneState fork = state.fork()) {
                float[] a = b.forward(state, slice(x, pos, 2, 1));
                float[] c = b.forward(fork, slice(x, pos, 2, 1));
                assertRowsClose(a, 0, c, 1);
                assertEquals(3, fork.length());
            }
            state.reset();
            assertEquals(0, state.length());
        }
    }

    @Test
    void causalRowsIgnoreLaterRowsAndBidirectionalOnesDoNot() {
        SplittableRandom rnd = new SplittableRandom(9);
        float[] x = random(rnd, 3 * D);
        int[] pos = {0, 1, 2};
        try (Backbone b = open(weights(rnd))) {
            float[] alone = b.forward(slice(x, pos, 0, 1));
            float[] causal = b.forward(new BackboneInput(x, 3, pos, MaskMode.CAUSAL));
            float[] bidirectional = b.forward(new BackboneInput(x, 3, pos, MaskMode.BIDIRECTIONAL));
            assertRowsClose(causal, 0, alone, 1);
            double diff = 0;
            for (int c = 0; c < D; c++) {
                diff = Math.max(diff, Math.abs(bidirectional[c] - alone[c]));
            }
            assertTrue(diff > 1e-3, "a bidirectional first row must depend on later rows, differed by " + diff);
        }
    }

    @Test
    void missingTensorIsReportedByName() {
        Weights w = weights(new SplittableRandom(1));
        List<TensorView> kept = new ArrayList<>();
        for (String n : w.names()) {
            if (!n.equals("layers.1.mlp.up_proj.weight")) {
                kept.add(w.find(n).orElseThrow());
            }
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> open(Weights.of("test", kept)));
        assertTrue(e.getMessage().contains("layers.1.mlp.up_proj.weight"), e.getMessage());
    }

    private static Backbone open(Weights w) {
        return new LlamaArch().open(CONFIG, w, new SdpaKernel());
    }

    private static Weights weights(SplittableRandom rnd) {
        List<TensorView> w = new ArrayList<>();
        int kv = CONFIG.kvHeads() * CONFIG.headDim();
        for (int l = 0; l < LAYERS; l++) {
            String p = "layers." + l + ".";
            w.add(new ArrayTensor(p + "input_layernorm.weight", new int[] {D}, normWeights(rnd)));
            w.add(new ArrayTensor(p + "self_attn.q_proj.weight", new int[] {D, D}, scaled(rnd, D * D, D)));
            w.add(new ArrayTensor(p + "self_attn.k_proj.weight", new int[] {kv, D}, scaled(rnd, kv * D, D)));
            w.add(new ArrayTensor(p + "self_attn.v_proj.weight", new int[] {kv, D}, scaled(rnd, kv * D, D)));
            w.add(new ArrayTensor(p + "self_attn.o_proj.weight", new int[] {D, D}, scaled(rnd, D * D, D)));
            w.add(new ArrayTensor(p + "post_attention_layernorm.weight", new int[] {D}, normWeights(rnd)));
            w.add(new ArrayTensor(p + "mlp.gate_proj.weight", new int[] {F, D}, scaled(rnd, F * D, D)));
            w.add(new ArrayTensor(p + "mlp.up_proj.weight", new int[] {F, D}, scaled(rnd, F * D, D)));
            w.add(new ArrayTensor(p + "mlp.down_proj.weight", new int[] {D, F}, scaled(rnd, D * F, F)));
        }
        w.add(new ArrayTensor("norm.weight", new int[] {D}, normWeights(rnd)));
        return Weights.of("test weights", w);
    }

    private static BackboneInput slice(float[] x, int[] pos, int from, int rows) {
        float[] e = new float[rows * D];
        System.arraycopy(x, from * D, e, 0, rows * D);
        int[] p = new int[rows];
        System.arraycopy(pos, from, p, 0, rows);
        return new BackboneInput(e, rows, p, MaskMode.CAUSAL);
    }

    private static void assertRowsClose(float[] full, int fromRow, float[] part, int rows) {
        for (int i = 0; i < rows * D; i++) {
            assertEquals(full[fromRow * D + i], part[i], 1e-5, "row " + (fromRow + i / D) + " column " + i % D);
        }
    }

    private static float[] normWeights(SplittableRandom rnd) {
        float[] a = new float[D];
        for (int i = 0; i < D; i++) {
            a[i] = (float) (1 + 0.2 * (rnd.nextDouble() - 0.5));
        }
        return a;
    }

    private static float[] scaled(SplittableRandom rnd, int n, int fanIn) {
        float[] a = random(rnd, n);
        float s = (float) (1.5 / Math.sqrt(fanIn));
        for (int i = 0; i < n; i++) {
            a[i] *= s;
        }
        return a;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
