package valle.arch.mixtral;

import valle.kit.matrix.PackedMatrix;
import valle.kit.thread.KernelPool;

/**
 * Mixtral's top-k gate, as the reference's {@code MixtralSparseMoeBlock_forward} computes it: logits
 * {@code h · gateᵀ}, a softmax over <em>all</em> experts (float32), the {@code k} most probable kept (best
 * first; the lower index wins a tie), and their probabilities renormalised to sum to 1. Every token is routed
 * on its own: no capacity limit, no dropped tokens, padding rows included.
 */
final class Router {
    private final PackedMatrix gate;
    private final int k;

    Router(PackedMatrix gate, int k) {
        if (k < 1 || k > gate.outFeatures()) {
            throw new IllegalArgumentException("cannot route to " + k + " of " + gate.outFeatures() + " experts");
        }
        this.gate = gate;
        this.k = k;
    }

    int experts() {
        return gate.outFeatures();
    }

    Routing route(float[] h, int rows, KernelPool pool) {
        int experts = gate.outFeatures();
        float[] logits = new float[rows * experts];
        gate.multiply(h, rows, logits, pool);
        int[] chosen = new int[rows * k];
        float[] weights = new float[rows * k];
        float[] p = new float[experts];
        for (int r = 0; r < rows; r++) {
            softmax(logits, r * experts, experts, p);
            float kept = 0f;
            for (int slot = 0; slot < k; slot++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!taken(chosen, r * k, slot, e) && (best < 0 || p[e] > p[best])) {
                        best = e;
                    }
                }
                chosen[r * k + slot] = best;
                weights[r * k + slot] = p[best];
                kept += p[best];
            }
            for (int slot = 0; slot < k; slot++) {
                weights[r * k + slot] /= kept;
            }
        }
        return new Routing(rows, experts, k, logits, chosen, weights);
    }

    private static boolean taken(int[] chosen, int from, int count, int expert) {
        for (int i = 0; i < count; i++) {
            if (chosen[from + i] == expert) {
                return true;
            }
        }
        return false;
    }

    private static void softmax(float[] logits, int off, int n, float[] p) {
        float max = Float.NEGATIVE_INFINITY;
        for (int e = 0; e < n; e++) {
            max = Math.max(max, logits[off + e]);
        }
        float sum = 0f;
        for (int e = 0; e < n; e++) {
            p[e] = (float) Math.exp(logits[off + e] - max);
            sum += p[e];
        }
        for (int e = 0; e < n; e++) {
            p[e] /= sum;
        }
    }
}
