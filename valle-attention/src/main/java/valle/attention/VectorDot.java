package valle.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Head-sized dot products and updates on the machine's preferred vector width, for the tiled kernels' inner
 * loops (a scalar float dot product is bound by its chain of dependent adds). Loaded only when the Vector API
 * module is present; {@link Scores} falls back to its scalar loops otherwise.
 */
final class VectorDot {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** Rotations by 8, 4, 2 and 1 lanes (those shorter than the vector): the steps of {@link #sum}, as constants. */
    private static final VectorShuffle<Float> ROTATE_8 = L >= 16 ? VectorShuffle.iota(FS, 8, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_4 = L >= 8 ? VectorShuffle.iota(FS, 4, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_2 = L >= 4 ? VectorShuffle.iota(FS, 2, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_1 = L >= 2 ? VectorShuffle.iota(FS, 1, 1, true) : null;

    private VectorDot() {
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(FS);
        int c = 0;
        for (int bound = FS.loopBound(n); c < bound; c += FS.length()) {
            acc = FloatVector.fromArray(FS, a, aOff + c).fma(FloatVector.fromArray(FS, b, bOff + c), acc);
        }
        float s = sum(acc);
        for (; c < n; c++) {
            s += a[aOff + c] * b[bOff + c];
        }
        return s;
    }

    /** Four consecutive vectors into {@code out} from {@code off}. */
    static void store4(float[] out, int off, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(out, off);
        v1.intoArray(out, off + L);
        v2.intoArray(out, off + 2 * L);
        v3.intoArray(out, off + 3 * L);
    }

    /** {@code acc[accOff ..] += w · v[vOff ..]} over {@code n} elements. */
    static void axpy(float w, float[] v, int vOff, float[] acc, int accOff, int n) {
        FloatVector wv = FloatVector.broadcast(FS, w);
        int c = 0;
        for (int bound = FS.loopBound(n); c < bound; c += FS.length()) {
            FloatVector.fromArray(FS, v, vOff + c).fma(wv, FloatVector.fromArray(FS, acc, accOff + c))
                    .intoArray(acc, accOff + c);
        }
        for (; c < n; c++) {
            acc[accOff + c] += w * v[vOff + c];
        }
    }

    /**
     * The sum of the lanes in a fixed order (halves added pairwise): {@code reduceLanes(ADD)} leaves the order
     * to the implementation, and the JIT's intrinsic and the interpreter's fallback differ, so results would
     * change after warm-up. (Each step's shuffle is its own constant: shuffles taken from an array in a loop
     * were not compiled to vector instructions.)
     */
    static float sum(FloatVector v) {
        if (L > 16) {
            // wider than any x86 vector (SVE): the same pairwise tree on the lanes
            float[] a = v.toArray();
            for (int h = L / 2; h >= 1; h /= 2) {
                for (int i = 0; i < h; i++) {
                    a[i] += a[i + h];
                }
            }
            return a[0];
        }
        if (L >= 16) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        if (L >= 4) {
            v = v.add(v.rearrange(ROTATE_2));
        }
        if (L >= 2) {
            v = v.add(v.rearrange(ROTATE_1));
        }
        return v.lane(0);
    }
}
