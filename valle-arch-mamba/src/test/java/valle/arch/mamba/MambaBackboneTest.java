package valle.arch.mamba;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

class MambaBackboneTest {
    private static final int D = 12;
    private static final int I = 24;
    private static final int N = 5;
    private static final int K = 4;
    private static final int R = 2;
    private static final int BLOCKS = 2;
    private static final BackboneConfig CONFIG =
            new BackboneConfig("mamba", D, 1, 1, BLOCKS, 4 * D, 1e-6f, 10000f, "gelu", Map.of());

    /** Prefills shorter than the conv window included: HF's cache gets those wrong, the math does not. */
    @ParameterizedTest(name = "prefill {0}")
    @ValueSource(ints = {0, 1, 2, 3, 7})
    void decodingAfterAnyPrefillMatchesTheFullPass(int prefill) {
        int rows = 11;
        SplittableRandom rnd = new SplittableRandom(prefill + 3);
        float[] x = random(rnd, rows * D, 1);
        try (Backbone b = open(weights(rnd))) {
            float[] full = b.forward(slice(x, 0, rows));
            try (BackboneState state = b.newState()) {
                if (prefill > 0) {
                    assertClose(full, 0, b.forward(state, slice(x, 0, prefill)), prefill);
                }
                for (int r = prefill; r < rows; r++) {
                    assertClose(full, r, b.forward(state, slice(x, r, 1)), 1);
                }
                assertEquals(rows, state.length());
            }
        }
    }

    @Test
    void aForkedStateContinuesLikeTheOriginal() {
        SplittableRandom rnd = new SplittableRandom(9);
        float[] x = random(rnd, 4 * D, 1);
        try (Backbone b = open(weights(rnd)); BackboneState state = b.newState()) {
            b.forward(state, slice(x, 0, 3));
            try (BackboneState fork = state.fork()) {
                float[] a = b.forward(state, slice(x, 3, 1));
                float[] c = b.forward(fork, slice(x, 3, 1));
                assertClose(a, 0, c, 1);
            }
        }
    }

    @Test
    void laterRowsNeverChangeEarlierOnesWhateverTheMaskMode() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = random(rnd, 5 * D, 1);
        try (Backbone b = open(weights(rnd))) {
            float[] alone = b.forward(slice(x, 0, 2));
            float[] bidirectional = b.forward(new BackboneInput(x, 5, new int[5], MaskMode.BIDIRECTIONAL));
            assertClose(bidirectional, 0, alone, 2);
        }
    }

    @Test
    void aCheckpointWithoutTheMixerIsRefusedByName() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> open(Weights.of("llama.sft", List.of(new ArrayTensor("norm_f.weight", new int[] {D}, new float[D])))));
        assertTrue(e.getMessage().contains("A_log") && e.getMessage().startsWith("llama.sft"), e.getMessage());
    }

    private static Backbone open(Weights w) {
        return new MambaArch().open(CONFIG, w, null);
    }

    private static Weights weights(SplittableRandom rnd) {
        List<TensorView> w = new ArrayList<>();
        for (int l = 0; l < BLOCKS; l++) {
            String p = "layers." + l + ".";
            String m = p + "mixer.";
            w.add(new ArrayTensor(p + "norm.weight", new int[] {D}, around(rnd, D, 1)));
            w.add(new ArrayTensor(m + "in_proj.weight", new int[] {2 * I, D}, random(rnd, 2 * I * D, 1 / Math.sqrt(D))));
            w.add(new ArrayTensor(m + "conv1d.weight", new int[] {I, 1, K}, random(rnd, I * K, 0.5)));
            w.add(new ArrayTensor(m + "conv1d.bias", new int[] {I}, random(rnd, I, 0.1)));
            w.add(new ArrayTensor(m + "x_proj.weight", new int[] {R + 2 * N, I}, random(rnd, (R + 2 * N) * I, 1 / Math.sqrt(I))));
            w.add(new ArrayTensor(m + "dt_proj.weight", new int[] {I, R}, random(rnd, I * R, 0.7)));
            w.add(new ArrayTensor(m + "dt_proj.bias", new int[] {I}, random(rnd, I, 1)));
            float[] aLog = new float[I * N];
            for (int i = 0; i < aLog.length; i++) {
                aLog[i] = (float) Math.log(1 + i % N);
            }
            w.add(new ArrayTensor(m + "A_log", new int[] {I, N}, aLog));
            w.add(new ArrayTensor(m + "D", new int[] {I}, around(rnd, I, 1)));
            w.add(new ArrayTensor(m + "out_proj.weight", new int[] {D, I}, random(rnd, D * I, 1 / Math.sqrt(I))));
        }
        w.add(new ArrayTensor("norm_f.weight", new int[] {D}, around(rnd, D, 1)));
        return Weights.of("test weights", w);
    }

    private static BackboneInput slice(float[] x, int from, int rows) {
        float[] e = new float[rows * D];
        System.arraycopy(x, from * D, e, 0, rows * D);
        int[] pos = new int[rows];
        for (int i = 0; i < rows; i++) {
            pos[i] = from + i;
        }
        return new BackboneInput(e, rows, pos, MaskMode.CAUSAL);
    }

    private static void assertClose(float[] full, int fromRow, float[] part, int rows) {
        for (int i = 0; i < rows * D; i++) {
            assertEquals(full[fromRow * D + i], part[i], 2e-5, "row " + (fromRow + i / D) + " column " + i % D);
        }
    }

    private static float[] around(SplittableRandom rnd, int n, double centre) {
        float[] a = random(rnd, n, 0.2);
        for (int i = 0; i < n; i++) {
            a[i] += (float) centre;
        }
        return a;
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }
}
