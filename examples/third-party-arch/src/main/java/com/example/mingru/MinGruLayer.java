package com.example.mingru;

import valle.kit.nn.RmsNorm;

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

    /** Advances {@code h} by the rows of {@code x [rows, D]}, one after another, adding it to each row in place. */
    void forward(float[] x, int rows, float[] h) {
        int d = h.length;
        // every row's norm at once: a row's norm reads that row only, which the layer changes after reading it
        float[] n = new float[rows * d];
        RmsNorm.apply(x, norm, rows, d, eps, n);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < d; o++) {
                float z = sigmoid(dot(gate, o * d, n, r * d, d));
                float c = dot(candidate, o * d, n, r * d, d);
                h[o] = (1 - z) * h[o] + z * c;
            }
            for (int i = 0; i < d; i++) {
                x[r * d + i] += h[i];
            }
        }
    }

    private static float dot(float[] w, int row, float[] v, int at, int d) {
        float s = 0;
        for (int i = 0; i < d; i++) {
            s += w[row + i] * v[at + i];
        }
        return s;
    }

    private static float sigmoid(float v) {
        return (float) (1 / (1 + Math.exp(-v)));
    }
}
