package valle.codec.nn;

import valle.kit.thread.KernelPool;

/**
 * PyTorch's unidirectional multi-layer {@code nn.LSTM} over a sequence, zero initial state. Per layer and step,
 * with the gate blocks in PyTorch's row order i, f, g, o:
 * {@code z = W_ih·x_t + b_ih + W_hh·h_{t-1} + b_hh}; {@code c_t = σ(f)⊙c_{t-1} + σ(i)⊙tanh(g)};
 * {@code h_t = σ(o)⊙tanh(c_t)}. Each layer consumes the previous one's {@code h} sequence. The input products of
 * all steps are one matrix product; only {@code W_hh·h} is sequential. Immutable; thread-safe.
 */
public final class Lstm {
    private final int hidden;
    private final Dense[] inputs;
    private final Dense[] recurrent;
    private final float[][] biases;

    /**
     * @param wIh    per layer {@code [4H, in]} ({@code in} = H after the first layer)
     * @param wHh    per layer {@code [4H, H]}
     * @param bIh    per layer {@code [4H]}
     * @param bHh    per layer {@code [4H]}
     */
    public Lstm(int inFeatures, int hidden, float[][] wIh, float[][] wHh, float[][] bIh, float[][] bHh) {
        int layers = wIh.length;
        this.hidden = hidden;
        this.inputs = new Dense[layers];
        this.recurrent = new Dense[layers];
        this.biases = new float[layers][4 * hidden];
        for (int l = 0; l < layers; l++) {
            inputs[l] = new Dense(4 * hidden, l == 0 ? inFeatures : hidden, wIh[l], null);
            recurrent[l] = new Dense(4 * hidden, hidden, wHh[l], null);
            for (int g = 0; g < 4 * hidden; g++) {
                biases[l][g] = bIh[l][g] + bHh[l][g];
            }
        }
    }

    public int hidden() {
        return hidden;
    }

    /** {@code [T, H]} hidden states of the last layer for frame-major input rows {@code [T, in]}. */
    public float[] apply(float[] rows, int steps, KernelPool par) {
        float[] seq = rows;
        for (int l = 0; l < inputs.length; l++) {
            float[] pre = inputs[l].apply(seq, steps, par);
            float[] h = new float[hidden];
            float[] c = new float[hidden];
            float[] z = new float[4 * hidden];
            float[] next = new float[steps * hidden];
            for (int t = 0; t < steps; t++) {
                recurrent[l].apply(h, 1, z, par);
                int p = t * 4 * hidden;
                for (int j = 0; j < hidden; j++) {
                    float i = sigmoid(pre[p + j] + biases[l][j] + z[j]);
                    float f = sigmoid(pre[p + hidden + j] + biases[l][hidden + j] + z[hidden + j]);
                    float g = (float) Math.tanh(pre[p + 2 * hidden + j] + biases[l][2 * hidden + j] + z[2 * hidden + j]);
                    float o = sigmoid(pre[p + 3 * hidden + j] + biases[l][3 * hidden + j] + z[3 * hidden + j]);
                    c[j] = f * c[j] + i * g;
                    h[j] = o * (float) Math.tanh(c[j]);
                }
                System.arraycopy(h, 0, next, t * hidden, hidden);
            }
            seq = next;
        }
        return seq;
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
