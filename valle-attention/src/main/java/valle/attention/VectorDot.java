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
    /** Rotations by half, a quarter, ... of the lanes: the steps of {@link #sum}. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] HALVES = java.util.stream.IntStream
            .iterate(FS.length() / 2, h -> h >= 1, h -> h / 2)
            .mapToObj(h -> VectorShuffle.iota(FS, h, 1, true)).toArray(VectorShuffle[]::new);

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
     * change after warm-up.
     */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> half : HALVES) {
            v = v.add(v.rearrange(half));
        }
        return v.lane(0);
    }
}
