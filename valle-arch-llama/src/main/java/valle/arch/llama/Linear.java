package valle.arch.llama;

import valle.api.tensor.TensorView;

/**
 * A bias-free linear layer {@code y = x·Wᵀ} over a weight view {@code W [out, in]} kept in its file dtype:
 * each weight row is widened once per call and applied to every input row.
 */
final class Linear {
    private final TensorView weight;
    private final int out;
    private final int in;

    Linear(TensorView weight) {
        this.weight = weight;
        this.out = weight.rows();
        this.in = weight.columns();
    }

    int outFeatures() {
        return out;
    }

    /** {@code y [rows, out] = x [rows, in] · Wᵀ}. */
    void apply(float[] x, int rows, float[] y) {
        float[] w = new float[in];
        for (int o = 0; o < out; o++) {
            weight.readRow(o, w, 0);
            for (int r = 0; r < rows; r++) {
                int xOff = r * in;
                float s = 0f;
                for (int c = 0; c < in; c++) {
                    s += x[xOff + c] * w[c];
                }
                y[r * out + o] = s;
            }
        }
    }
}
