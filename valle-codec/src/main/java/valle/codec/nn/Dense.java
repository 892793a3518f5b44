package valle.codec.nn;

import valle.kit.thread.KernelPool;
import valle.kit.vector.FloatVectors;
import valle.kit.vector.VectorApi;

/**
 * A linear layer {@code y = x·Wᵀ + b} with weight {@code [out, in]} (the PyTorch layout) over rows of
 * {@code in} values. Output features are cut in blocks over the pool; each weight row meets four input rows at
 * a time on the Vector API. {@link #applySimple} is the plain loop it is tested against. Immutable.
 */
public final class Dense {
    /** Output features per task. */
    private static final int BLOCK = 64;
    /** Below this many multiply-adds a product runs on the caller's thread. */
    private static final long PARALLEL_WORK = 1L << 15;

    private final int out;
    private final int in;
    private final float[] weight;
    private final float[] bias;

    /** @param bias {@code [out]}, or {@code null} for none */
    public Dense(int out, int in, float[] weight, float[] bias) {
        if (weight.length != out * in || bias != null && bias.length != out) {
            throw new IllegalArgumentException("linear weight of " + weight.length + " values for [" + out + ", " + in + "]");
        }
        this.out = out;
        this.in = in;
        this.weight = weight;
        this.bias = bias;
    }

    public int outFeatures() {
        return out;
    }

    public int inFeatures() {
        return in;
    }

    /** {@code y [rows, out] = x [rows, in] · Wᵀ + b}, on {@code par} when it pays (null: this thread). */
    public void apply(float[] x, int rows, float[] y, KernelPool par) {
        int blocks = (out + BLOCK - 1) / BLOCK;
        if (par == null || blocks == 1 || (long) rows * out * in < PARALLEL_WORK) {
            for (int b = 0; b < blocks; b++) {
                block(b, x, rows, y, VectorApi.present());
            }
        } else {
            par.forEach(blocks, b -> block(b, x, rows, y, VectorApi.present()));
        }
    }

    /** A new array {@code [rows, out]}. */
    public float[] apply(float[] x, int rows, KernelPool par) {
        float[] y = new float[rows * out];
        apply(x, rows, y, par);
        return y;
    }

    /** As {@link #apply} with the scalar loops the vector path falls back to, on the caller's thread. */
    public float[] applyScalar(float[] x, int rows) {
        float[] y = new float[rows * out];
        int blocks = (out + BLOCK - 1) / BLOCK;
        for (int b = 0; b < blocks; b++) {
            block(b, x, rows, y, false);
        }
        return y;
    }

    /** The plain loop: one output at a time, float32 accumulation in index order. */
    public void applySimple(float[] x, int rows, float[] y) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int c = 0; c < in; c++) {
                    s += x[r * in + c] * weight[o * in + c];
                }
                y[r * out + o] = bias == null ? s : s + bias[o];
            }
        }
    }

    private void block(int b, float[] x, int rows, float[] y, boolean vector) {
        int o1 = Math.min(out, (b + 1) * BLOCK);
        for (int o = b * BLOCK; o < o1; o++) {
            int wOff = o * in;
            int r = 0;
            if (vector) {
                for (; r + 4 <= rows; r += 4) {
                    FloatVectors.dot4(weight, wOff, x, r * in, in, y, r * out + o, out);
                }
                for (; r < rows; r++) {
                    y[r * out + o] = FloatVectors.dot(weight, wOff, x, r * in, in);
                }
            } else {
                for (; r < rows; r++) {
                    float s = 0f;
                    for (int c = 0; c < in; c++) {
                        s += x[r * in + c] * weight[wOff + c];
                    }
                    y[r * out + o] = s;
                }
            }
            if (bias != null) {
                for (r = 0; r < rows; r++) {
                    y[r * out + o] += bias[o];
                }
            }
        }
    }
}
