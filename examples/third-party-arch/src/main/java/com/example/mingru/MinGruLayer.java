package com.example.mingru;

/**
 * One minGRU layer: {@code n = RMSNorm(x)}, gate {@code z = σ(W_z n)}, candidate {@code c = W_h n},
 * {@code h = (1 - z) ⊙ h_prev + z ⊙ c}, and the layer's output {@code x + h}. The gate and candidate see the
 * current row only, so a row's result depends on earlier rows through {@code h} alone: causal by construction.
 */
final class MinGruLayer {
    private final float[] norm;
    private final float[] gate;
    private final float[] candidate;
    private final float eps;

    /** {@code gate} and {@code candidate} are {@code [D, D]}, row-major, output rows first. */
    MinGruLayer(float[] norm, float[] gate, float[] candidate, float eps) {
        this.norm = norm;
        this.gate = gate;
        this.candidate = candidate;
        this.eps = eps;
    }

    /**
     * Advances {@code h} by row {@code x[at .. at + D)} and adds it to that row in place.
     *
     * @param n scratch of {@code D} values
     */
    void step(float[] x, int at, float[] h, float[] n) {
        int d = h.length;
        rmsNorm(x, at, norm, eps, n);
        for (int o = 0; o < d; o++) {
            float z = sigmoid(dot(gate, o * d, n));
            float c = dot(candidate, o * d, n);
            h[o] = (1 - z) * h[o] + z * c;
        }
        for (int i = 0; i < d; i++) {
            x[at + i] += h[i];
        }
    }

    /** {@code out = x[at .. at + D) / rms · weight}. */
    static void rmsNorm(float[] x, int at, float[] weight, float eps, float[] out) {
        int d = weight.length;
        double sum = 0;
        for (int i = 0; i < d; i++) {
            sum += (double) x[at + i] * x[at + i];
        }
        float scale = (float) (1 / Math.sqrt(sum / d + eps));
        for (int i = 0; i < d; i++) {
            out[i] = x[at + i] * scale * weight[i];
        }
    }

    private static float dot(float[] w, int row, float[] v) {
        float s = 0;
        for (int i = 0; i < v.length; i++) {
            s += w[row + i] * v[i];
        }
        return s;
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }
}
