package valle.core.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import valle.api.tensor.TensorView;
import valle.kit.thread.KernelPool;
import valle.kit.vector.FloatVectors;
import valle.kit.vector.VectorApi;

/**
 * One classifier head {@code y = x·Wᵀ + b}, its first {@code classes} weight rows widened to float32 once at
 * load (the per-call widening of {@link TensorView#linear} and its one-add-at-a-time loop cost more than the
 * backbone's step at decode time). {@link #apply} takes four input rows against two weight rows at a time with
 * the Vector API, blocks of classes split over the heads' kernel pool for large products (each class's sum is the same
 * whichever thread computes it); {@link #applySimple} is the plain loop it
 * is tested against.
 */
final class LinearHead {
    private static final boolean VECTOR = VectorApi.present();
    /** Classes per parallel task. */
    private static final int BLOCK = 64;

    private final float[] weight;
    private final float[] bias;
    private final int classes;
    private final int width;

    /** @param bias {@code [classes]} or {@code null} */
    LinearHead(TensorView w, int classes, float[] bias) {
        this.classes = classes;
        this.width = w.columns();
        this.weight = new float[classes * width];
        w.read(0, weight, 0, weight.length);
        // widened: the file's pages of the head need not stay resident beside this copy (46 MB at the published size)
        w.releaseResidentPages();
        this.bias = bias;
    }

    int classes() {
        return classes;
    }

    /**
     * {@code out [rows, classes]} for the input rows {@code x [rows, D]} from row {@code firstRow}; large products
     * split their blocks of classes over {@code pool}.
     */
    void apply(float[] x, int firstRow, int rows, float[] out, KernelPool pool) {
        if (!VECTOR) {
            applySimple(x, firstRow, rows, out);
            return;
        }
        int blocks = (classes + BLOCK - 1) / BLOCK;
        if ((long) rows * classes * width < 1 << 22) {
            for (int b = 0; b < blocks; b++) {
                Vectors.block(this, b, x, firstRow, rows, out);
            }
        } else {
            pool.forEach(blocks, b -> Vectors.block(this, b, x, firstRow, rows, out));
        }
    }

    void applySimple(float[] x, int firstRow, int rows, float[] out) {
        for (int r = 0; r < rows; r++) {
            int xOff = (firstRow + r) * width;
            for (int c = 0; c < classes; c++) {
                float s = 0f;
                for (int k = 0; k < width; k++) {
                    s += x[xOff + k] * weight[c * width + k];
                }
                out[r * classes + c] = bias == null ? s : s + bias[c];
            }
        }
    }

    /**
     * Kept apart so that the Vector API classes load only when the module is present. Every sum is in the order
     * of the kit's {@link FloatVectors#dot} (lanes by column, the kit's fixed lane sum, then the tail).
     */
    private static final class Vectors {
        private static final VectorSpecies<Float> FS = FloatVectors.SPECIES;

        /**
         * The classes of block {@code b} for every row. The products are small methods of their own: one method
         * holding both loops was too large for the JIT to compile with vector instructions, and ran boxed.
         */
        static void block(LinearHead h, int b, float[] x, int firstRow, int rows, float[] out) {
            int n = h.width;
            int c0 = b * BLOCK;
            int c1 = Math.min(h.classes, (b + 1) * BLOCK);
            int pairs = c0 + (c1 - c0) / 2 * 2;
            int r = 0;
            // four input rows (in L1) against the block's weight rows two at a time (from L2): each vector of the
            // inputs serves two classes, each vector of weights four rows
            for (; r + 4 <= rows; r += 4) {
                int xOff = (firstRow + r) * n;
                int o = r * h.classes;
                for (int c = c0; c < pairs; c += 2) {
                    dot4x2(h.weight, c * n, x, xOff, n, out, o + c, h.classes, bias(h, c), bias(h, c + 1));
                }
                if (pairs < c1) {
                    FloatVectors.dot4(h.weight, pairs * n, x, xOff, n, out, o + pairs, h.classes);
                    for (int q = 0; q < 4; q++) {
                        out[o + pairs + q * h.classes] += bias(h, pairs);
                    }
                }
            }
            for (; r < rows; r++) {
                for (int c = c0; c < c1; c++) {
                    out[r * h.classes + c] = FloatVectors.dot(h.weight, c * n, x, (firstRow + r) * n, n) + bias(h, c);
                }
            }
        }

        private static float bias(LinearHead h, int c) {
            return h.bias == null ? 0f : h.bias[c];
        }

        /**
         * The kit's {@link FloatVectors#dot4} for the two classes whose weight rows start at {@code wOff} and
         * {@code wOff + n}: eight sums, each in the same order as {@link FloatVectors#dot}'s (so an output does
         * not depend on the tile it fell in).
         */
        private static void dot4x2(float[] w, int wOff, float[] x, int x0, int n, float[] out, int o, int stride,
                                   float bias0, float bias1) {
            FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int k = 0;
            for (int bound = FS.loopBound(n); k < bound; k += FS.length()) {
                FloatVector v = FloatVector.fromArray(FS, w, wOff + k);
                FloatVector u = FloatVector.fromArray(FS, w, wOff + n + k);
                FloatVector x0k = FloatVector.fromArray(FS, x, x0 + k);
                a0 = v.fma(x0k, a0);
                b0 = u.fma(x0k, b0);
                FloatVector x1k = FloatVector.fromArray(FS, x, x0 + n + k);
                a1 = v.fma(x1k, a1);
                b1 = u.fma(x1k, b1);
                FloatVector x2k = FloatVector.fromArray(FS, x, x0 + 2 * n + k);
                a2 = v.fma(x2k, a2);
                b2 = u.fma(x2k, b2);
                FloatVector x3k = FloatVector.fromArray(FS, x, x0 + 3 * n + k);
                a3 = v.fma(x3k, a3);
                b3 = u.fma(x3k, b3);
            }
            finish(w, wOff, x, x0, n, k, out, o, stride, bias0, a0, a1, a2, a3);
            finish(w, wOff + n, x, x0, n, k, out, o + 1, stride, bias1, b0, b1, b2, b3);
        }

        /**
         * Four rows' outputs for one class: the lane sums, plus the columns from {@code k} on (a width that is not
         * a whole number of vectors) one by one, plus the bias.
         */
        private static void finish(float[] w, int wOff, float[] x, int x0, int n, int k, float[] out, int o,
                                  int stride, float bias, FloatVector a0, FloatVector a1, FloatVector a2,
                                  FloatVector a3) {
            float s0 = FloatVectors.sum(a0);
            float s1 = FloatVectors.sum(a1);
            float s2 = FloatVectors.sum(a2);
            float s3 = FloatVectors.sum(a3);
            for (; k < n; k++) {
                float wk = w[wOff + k];
                s0 += wk * x[x0 + k];
                s1 += wk * x[x0 + n + k];
                s2 += wk * x[x0 + 2 * n + k];
                s3 += wk * x[x0 + 3 * n + k];
            }
            out[o] = s0 + bias;
            out[o + stride] = s1 + bias;
            out[o + 2 * stride] = s2 + bias;
            out[o + 3 * stride] = s3 + bias;
        }
    }
}
