package valle.arch.mixtral;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products on the machine's preferred vector width. Loaded only when the Vector API module is present;
 * {@link Linear} uses scalar loops otherwise.
 */
final class VectorDot {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Rotations by 8, 4, 2 and 1 lanes (those shorter than the vector): the steps of {@link #sum}, as constants. */
    private static final VectorShuffle<Float> ROTATE_8 = SPECIES.length() >= 16 ? VectorShuffle.iota(SPECIES, 8, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_4 = SPECIES.length() >= 8 ? VectorShuffle.iota(SPECIES, 4, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_2 = SPECIES.length() >= 4 ? VectorShuffle.iota(SPECIES, 2, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_1 = SPECIES.length() >= 2 ? VectorShuffle.iota(SPECIES, 1, 1, true) : null;

    private VectorDot() {
    }

    /** {@code y[yOff + k·yStride] = w · x_k} for the four consecutive rows {@code x_k = x[xOff + k·n ..]}. */
    static void dot4(float[] w, int wOff, float[] x, int xOff, int n, float[] y, int yOff, int yStride) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(n);
        int c = 0;
        for (; c < bound; c += step) {
            FloatVector wv = FloatVector.fromArray(SPECIES, w, wOff + c);
            a0 = wv.fma(FloatVector.fromArray(SPECIES, x, xOff + c), a0);
            a1 = wv.fma(FloatVector.fromArray(SPECIES, x, xOff + n + c), a1);
            a2 = wv.fma(FloatVector.fromArray(SPECIES, x, xOff + 2 * n + c), a2);
            a3 = wv.fma(FloatVector.fromArray(SPECIES, x, xOff + 3 * n + c), a3);
        }
        float s0 = sum(a0);
        float s1 = sum(a1);
        float s2 = sum(a2);
        float s3 = sum(a3);
        for (; c < n; c++) {
            float wc = w[wOff + c];
            s0 += wc * x[xOff + c];
            s1 += wc * x[xOff + n + c];
            s2 += wc * x[xOff + 2 * n + c];
            s3 += wc * x[xOff + 3 * n + c];
        }
        y[yOff] = s0;
        y[yOff + yStride] = s1;
        y[yOff + 2 * yStride] = s2;
        y[yOff + 3 * yStride] = s3;
    }

    /**
     * The sum of the lanes in a fixed order (halves added pairwise): {@code reduceLanes(ADD)} leaves the order to
     * the implementation, and the JIT's intrinsic and the interpreter's fallback differ, so results changed after
     * warm-up.
     */
    static float sum(FloatVector v) {
        int lanes = SPECIES.length();
        if (lanes > 16) {
            // wider than any x86 vector (SVE): the same pairwise tree on the lanes
            float[] a = v.toArray();
            for (int h = lanes / 2; h >= 1; h /= 2) {
                for (int j = 0; j < h; j++) {
                    a[j] += a[j + h];
                }
            }
            return a[0];
        }
        if (lanes >= 16) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (lanes >= 8) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        if (lanes >= 4) {
            v = v.add(v.rearrange(ROTATE_2));
        }
        if (lanes >= 2) {
            v = v.add(v.rearrange(ROTATE_1));
        }
        return v.lane(0);
    }

    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int step = SPECIES.length();
        int bound = SPECIES.loopBound(n);
        int c = 0;
        for (; c < bound; c += step) {
            acc = FloatVector.fromArray(SPECIES, w, wOff + c).fma(FloatVector.fromArray(SPECIES, x, xOff + c), acc);
        }
        float s = sum(acc);
        for (; c < n; c++) {
            s += w[wOff + c] * x[xOff + c];
        }
        return s;
    }
}
