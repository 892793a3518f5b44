package valle.core.model;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import valle.api.tensor.TensorView;

/**
 * One classifier head {@code y = x·Wᵀ + b}, its first {@code classes} weight rows widened to float32 once at
 * load (the per-call widening of {@link TensorView#linear} and its one-add-at-a-time loop cost more than the
 * backbone's step at decode time). {@link #apply} takes four input rows per weight row with the Vector API,
 * blocks of classes split over the common pool for large products; {@link #applySimple} is the plain loop it
 * is tested against.
 */
final class LinearHead {
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
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
        this.bias = bias;
    }

    int classes() {
        return classes;
    }

    /** {@code out [rows, classes]} for the input rows {@code x [rows, D]} from row {@code firstRow}. */
    void apply(float[] x, int firstRow, int rows, float[] out) {
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
            IntStream.range(0, blocks).parallel().forEach(b -> Vectors.block(this, b, x, firstRow, rows, out));
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

    /** Kept apart so that the Vector API classes load only when the module is present. */
    private static final class Vectors {
        private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
        /** Rotations by half, a quarter, ... of the lanes: the steps of {@link #sum}. */
        @SuppressWarnings("unchecked")
        private static final VectorShuffle<Float>[] HALVES = java.util.stream.IntStream
                .iterate(FS.length() / 2, h -> h >= 1, h -> h / 2)
                .mapToObj(h -> VectorShuffle.iota(FS, h, 1, true)).toArray(VectorShuffle[]::new);

        static void block(LinearHead h, int b, float[] x, int firstRow, int rows, float[] out) {
            int n = h.width;
            int c1 = Math.min(h.classes, (b + 1) * BLOCK);
            for (int c = b * BLOCK; c < c1; c++) {
                int wOff = c * n;
                float bc = h.bias == null ? 0f : h.bias[c];
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    int x0 = (firstRow + r) * n;
                    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                    int k = 0;
                    for (int bound = FS.loopBound(n); k < bound; k += FS.length()) {
                        FloatVector w = FloatVector.fromArray(FS, h.weight, wOff + k);
                        a0 = w.fma(FloatVector.fromArray(FS, x, x0 + k), a0);
                        a1 = w.fma(FloatVector.fromArray(FS, x, x0 + n + k), a1);
                        a2 = w.fma(FloatVector.fromArray(FS, x, x0 + 2 * n + k), a2);
                        a3 = w.fma(FloatVector.fromArray(FS, x, x0 + 3 * n + k), a3);
                    }
                    float s0 = sum(a0);
                    float s1 = sum(a1);
                    float s2 = sum(a2);
                    float s3 = sum(a3);
                    for (; k < n; k++) {
                        float wk = h.weight[wOff + k];
                        s0 += wk * x[x0 + k];
                        s1 += wk * x[x0 + n + k];
                        s2 += wk * x[x0 + 2 * n + k];
                        s3 += wk * x[x0 + 3 * n + k];
                    }
                    out[r * h.classes + c] = s0 + bc;
                    out[(r + 1) * h.classes + c] = s1 + bc;
                    out[(r + 2) * h.classes + c] = s2 + bc;
                    out[(r + 3) * h.classes + c] = s3 + bc;
                }
                for (; r < rows; r++) {
                    int x0 = (firstRow + r) * n;
                    FloatVector a = FloatVector.zero(FS);
                    int k = 0;
                    for (int bound = FS.loopBound(n); k < bound; k += FS.length()) {
                        a = FloatVector.fromArray(FS, h.weight, wOff + k).fma(FloatVector.fromArray(FS, x, x0 + k), a);
                    }
                    float s = sum(a);
                    for (; k < n; k++) {
                        s += h.weight[wOff + k] * x[x0 + k];
                    }
                    out[r * h.classes + c] = s + bc;
                }
            }
        }

        /**
         * The sum of the lanes in a fixed order (halves added pairwise): {@code reduceLanes(ADD)} leaves the order
         * to the implementation, and the JIT's intrinsic and the interpreter's fallback differ, so results would
         * change after warm-up.
         */
        static float sum(FloatVector v) {
            for (VectorShuffle<Float> half : HALVES) {
                v = v.add(v.rearrange(half));
            }
            return v.lane(0);
        }
    }
}
