package valle.arch.mixtral;

import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;
import valle.kit.thread.KernelPool;
import valle.kit.vector.FloatVectors;
import valle.kit.vector.VectorApi;

/**
 * A bias-free linear layer {@code y = x·Wᵀ}, its weight {@code [out, in]} widened to float32 once at load
 * (a float32 tensor already in memory is shared, never copied).
 * Output rows are split in blocks over the backbone's pool; each weight row meets four input rows at a time
 * on the Vector API when it is present. {@link #applySimple} is the plain loop the fast path is tested against.
 */
final class Linear {
    private static final boolean VECTOR = VectorApi.present();
    /** Output rows per task: enough work to amortise a task, few enough to balance a handful of threads. */
    private static final int BLOCK = 64;
    /** Below this many multiply-adds a call stays on the caller's thread. */
    private static final long PARALLEL_WORK = 1 << 16;

    private final float[] weight;
    private final int out;
    private final int in;

    Linear(TensorView view) {
        // an in-memory float32 tensor is used as it is (random weights at the real size: 1.2 B parameters)
        this.weight = view instanceof ArrayTensor a ? a.data() : view.toFloatArray();
        this.out = view.rows();
        this.in = view.columns();
    }

    int outFeatures() {
        return out;
    }

    /** {@code y [rows, out] = x [rows, in] · Wᵀ}, on {@code pool} (null: the caller's thread). */
    void apply(float[] x, int rows, float[] y, KernelPool pool) {
        int blocks = (out + BLOCK - 1) / BLOCK;
        if (pool == null || blocks == 1 || (long) rows * out * in < PARALLEL_WORK) {
            for (int b = 0; b < blocks; b++) {
                block(b, x, rows, y);
            }
            return;
        }
        pool.forEach(blocks, b -> block(b, x, rows, y));
    }

    private void block(int b, float[] x, int rows, float[] y) {
        int end = Math.min(out, (b + 1) * BLOCK);
        for (int o = b * BLOCK; o < end; o++) {
            int wOff = o * in;
            int r = 0;
            if (VECTOR) {
                for (; r + 4 <= rows; r += 4) {
                    FloatVectors.dot4(weight, wOff, x, r * in, in, y, r * out + o, out);
                }
                for (; r < rows; r++) {
                    y[r * out + o] = FloatVectors.dot(weight, wOff, x, r * in, in);
                }
            } else {
                for (; r < rows; r++) {
                    y[r * out + o] = scalarDot(wOff, x, r * in);
                }
            }
        }
    }

    /** The plain loop: one output at a time, float32 accumulation. */
    void applySimple(float[] x, int rows, float[] y) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                y[r * out + o] = scalarDot(o * in, x, r * in);
            }
        }
    }

    private float scalarDot(int wOff, float[] x, int xOff) {
        float s = 0f;
        for (int c = 0; c < in; c++) {
            s += weight[wOff + c] * x[xOff + c];
        }
        return s;
    }
}
