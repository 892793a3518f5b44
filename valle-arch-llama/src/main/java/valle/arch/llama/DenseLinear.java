package valle.arch.llama;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import valle.api.tensor.TensorView;

/**
 * A bias-free linear layer {@code y = x·Wᵀ} with its weight {@code [out, in]} widened to float32 once, when
 * the model loads (the per-call widening of {@link TensorView#linear} costs more than the arithmetic at decode
 * time). Output rows are split in blocks over the backbone's pool; each weight row is applied to four input
 * rows at a time with the Vector API when it is present, scalar loops otherwise. {@link #applySimple} is the
 * plain reference the fast path is tested against.
 */
final class DenseLinear {
    private static final boolean VECTOR = vectorApiPresent();
    /** Output rows per task: enough work to amortise the task, few enough to balance two to eight threads. */
    private static final int BLOCK = 64;

    private final float[] weight;
    private final int out;
    private final int in;

    DenseLinear(TensorView view) {
        this.weight = view.toFloatArray();
        this.out = view.rows();
        this.in = view.columns();
    }

    int outFeatures() {
        return out;
    }

    /** Whether the Vector API is in use (it needs {@code --add-modules jdk.incubator.vector} on the class path). */
    static boolean vectorized() {
        return VECTOR;
    }

    /** {@code y [rows, out] = x [rows, in] · Wᵀ}, on {@code pool} (null: the caller's thread). */
    void apply(float[] x, int rows, float[] y, ForkJoinPool pool) {
        int blocks = (out + BLOCK - 1) / BLOCK;
        if (pool == null || blocks == 1 || (long) rows * out * in < 1 << 16) {
            for (int b = 0; b < blocks; b++) {
                block(b, x, rows, y);
            }
            return;
        }
        pool.submit(() -> IntStream.range(0, blocks).parallel().forEach(b -> block(b, x, rows, y))).join();
    }

    private void block(int b, float[] x, int rows, float[] y) {
        int o1 = Math.min(out, (b + 1) * BLOCK);
        for (int o = b * BLOCK; o < o1; o++) {
            int wOff = o * in;
            int r = 0;
            if (VECTOR) {
                for (; r + 4 <= rows; r += 4) {
                    VectorDot.dot4(weight, wOff, x, r * in, in, y, r * out + o, out);
                }
                for (; r < rows; r++) {
                    y[r * out + o] = VectorDot.dot(weight, wOff, x, r * in, in);
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
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < rows; r++) {
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

    private static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
