package valle.arch.mixtral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.MaskMode;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;
import valle.attention.SdpaKernel;
import valle.kit.matrix.PackedMatrix;
import valle.kit.nn.Activation;
import valle.kit.thread.KernelPool;
import valle.tck.contract.BackboneContract;

/** The mixtral backbone under the backbone contract, plus its window, its sparse block and its routing. */
class MixtralBackboneTest extends BackboneContract {
    private static final int D = 16;
    private static final int EXPERTS = 5;
    /** A window shorter than the test sequences, so that both passes cross it. */
    private static final BackboneConfig CONFIG = new BackboneConfig("mixtral", D, 4, 2, 2, 24, 1e-5f, 1e6f, "gelu",
            Map.of("experts", "5", "experts_per_token", "2", "sliding_window", "5"));
    private static final MixtralArch ARCH = new MixtralArch();

    @Override
    protected Arch arch() {
        return ARCH;
    }

    @Override
    protected BackboneConfig config() {
        return CONFIG;
    }

    @Override
    protected AttentionKernel attention() {
        return new SdpaKernel();
    }

    /** Longer than the window, so that cached decoding and full passes both cross it. */
    @Override
    protected int sequenceLength() {
        return 12;
    }

    /** The reference's Mixtral is causal: a mask mode asking for bidirectional attention changes nothing. */
    @Override
    protected boolean honoursBidirectionalMask() {
        return false;
    }

    @Test
    void theWindowHidesKeysMoreThanItsLengthBehind() {
        // with a window of 5, row 11 depends on rows 7..11 only: changing row 0 must not move it
        int rows = 12;
        SplittableRandom rnd = new SplittableRandom(4);
        float[] x = random(rnd, rows * D);
        int[] pos = new int[rows];
        for (int i = 0; i < rows; i++) {
            pos[i] = i;
        }
        try (Backbone b = ARCH.open(CONFIG, ARCH.randomWeights(CONFIG, 9), new SdpaKernel())) {
            float[] before = b.forward(new BackboneInput(x, rows, pos, MaskMode.CAUSAL));
            float[] changed = x.clone();
            changed[0] += 5f;
            float[] after = b.forward(new BackboneInput(changed, rows, pos, MaskMode.CAUSAL));
            // two layers: row 11 reaches back to row 11 - 2·4 = 3 at most
            for (int c = 0; c < D; c++) {
                assertEquals(before[11 * D + c], after[11 * D + c], 0f);
            }
            assertTrue(before[4 * D] != after[4 * D], "row 4 sees row 0 through two layers");
        }
    }

    @Test
    void theSparseBlockEqualsEveryExpertWeightedByTheRenormalisedTopTwo() {
        SplittableRandom rnd = new SplittableRandom(8);
        int rows = 7;
        int f = 24;
        List<TensorView> tensors = new ArrayList<>();
        List<Expert> experts = new ArrayList<>();
        for (int e = 0; e < EXPERTS; e++) {
            experts.add(new Expert(PackedMatrix.of(tensor(rnd, "w1", f, D), null),
                    PackedMatrix.of(tensor(rnd, "w3", f, D), null), PackedMatrix.of(tensor(rnd, "w2", D, f), null)));
        }
        TensorView gate = tensor(rnd, "gate", EXPERTS, D);
        SparseMoe moe = new SparseMoe(new Router(PackedMatrix.of(gate, null), 2), experts, Activation.GELU);
        float[] h = random(rnd, rows * D);
        float[] out = new float[rows * D];
        Routing routing;
        try (KernelPool pool = new KernelPool(2, "test")) {
            routing = moe.apply(h, rows, out, pool);
        }
        assertEquals(rows * 2, java.util.Arrays.stream(routing.tokensPerExpert()).sum());
        for (int r = 0; r < rows; r++) {
            // dense reference: softmax over all experts, top two, renormalised; each expert on this row
            double[] logits = new double[EXPERTS];
            double max = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < EXPERTS; e++) {
                logits[e] = dot(gate, e, h, r * D, D);
                max = Math.max(max, logits[e]);
            }
            Integer[] order = {0, 1, 2, 3, 4};
            java.util.Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
            double pa = Math.exp(logits[order[0]] - max);
            double pb = Math.exp(logits[order[1]] - max);
            assertEquals(order[0], routing.chosen()[r * 2]);
            assertEquals(order[1], routing.chosen()[r * 2 + 1]);
            assertEquals(pa / (pa + pb), routing.weights()[r * 2], 1e-6);
            for (int c = 0; c < D; c++) {
                double expected = pa / (pa + pb) * expert(experts.get(order[0]), h, r, c)
                        + pb / (pa + pb) * expert(experts.get(order[1]), h, r, c);
                assertEquals(expected, out[r * D + c], 1e-4);
            }
        }
    }

    @Test
    void theProbeSeesEveryLayersRouting() {
        int rows = 6;
        List<int[]> chosen = new ArrayList<>();
        try (Backbone b = ARCH.open(CONFIG, ARCH.randomWeights(CONFIG, 2), new SdpaKernel())) {
            BackboneInput in = new BackboneInput(random(new SplittableRandom(1), rows * D), rows, new int[rows],
                    MaskMode.CAUSAL);
            float[] plain = b.forward(in);
            float[] probed = b.forward(in, new BackboneProbe() {
                @Override
                public void routing(int layer, int n, int experts, float[] logits, int[] picks, float[] weights) {
                    chosen.add(picks.clone());
                }
            });
            assertArrayEquals(plain, probed);
        }
        assertEquals(2, chosen.size());
        assertEquals(rows * 2, chosen.get(0).length);
    }


    private static double expert(Expert e, float[] h, int row, int c) {
        float[] x = java.util.Arrays.copyOfRange(h, row * D, row * D + D);
        float[] y = new float[D];
        e.apply(x, 1, Activation.GELU, y, new KernelPool(1, "test"));
        return y[c];
    }

    private static double dot(TensorView w, int row, float[] x, int off, int n) {
        float[] r = new float[n];
        w.readRow(row, r, 0);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) r[i] * x[off + i];
        }
        return s;
    }

    private static TensorView tensor(SplittableRandom rnd, String name, int out, int in) {
        float[] v = random(rnd, out * in);
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(in);
        }
        return new ArrayTensor(name, new int[] {out, in}, v);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
