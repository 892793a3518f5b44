package valle.kit.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import valle.api.Stable;

/**
 * Float kernels on the machine's preferred vector width, for inner loops (a scalar float dot product is bound by
 * its chain of dependent adds). Only to be loaded when {@link VectorApi#present()}; each has a scalar twin in
 * its caller.
 *
 * <p>Every reduction ends in {@link #sum}, whose order is fixed, so a result does not change after warm-up and
 * is the same in every caller: vector lanes accumulate columns {@code c ≡ lane (mod lanes)} by fused
 * multiply-adds, the lanes are summed pairwise, then the columns past the last whole vector are added one by
 * one. The methods are small on purpose: the JIT keeps a small method's vectors in registers, where a large one
 * holding many vector locals ran boxed.
 */
@Stable(since = "0.1")
public final class FloatVectors {
    /** The preferred float species every kit kernel uses. */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rotations by 8, 4, 2 and 1 lanes (those shorter than the vector): the steps of {@link #sum}, as constants. */
    private static final VectorShuffle<Float> ROTATE_8 = L >= 16 ? VectorShuffle.iota(SPECIES, 8, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_4 = L >= 8 ? VectorShuffle.iota(SPECIES, 4, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_2 = L >= 4 ? VectorShuffle.iota(SPECIES, 2, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_1 = L >= 2 ? VectorShuffle.iota(SPECIES, 1, 1, true) : null;

    private FloatVectors() {
    }

    /** Lanes of {@link #SPECIES} (8 on AVX2, 16 on AVX-512). */
    public static int lanes() {
        return L;
    }

    /**
     * The sum of the lanes in a fixed order (halves added pairwise): {@code reduceLanes(ADD)} leaves the order
     * to the implementation, and the JIT's intrinsic and the interpreter's fallback differ, so results would
     * change after warm-up. (Each step's shuffle is its own constant: shuffles taken from an array in a loop
     * were not compiled to vector instructions.)
     */
    public static float sum(FloatVector v) {
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

    /** {@code a[aOff ..] · b[bOff ..]} over {@code n} elements, in the order described above. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int c = 0;
        for (int bound = SPECIES.loopBound(n); c < bound; c += L) {
            acc = FloatVector.fromArray(SPECIES, a, aOff + c).fma(FloatVector.fromArray(SPECIES, b, bOff + c), acc);
        }
        float s = sum(acc);
        for (; c < n; c++) {
            s += a[aOff + c] * b[bOff + c];
        }
        return s;
    }

    /**
     * Four dot products of one weight row with four consecutive input rows, each summed as {@link #dot} sums
     * it (so an output does not depend on whether its row fell in a group of four):
     * {@code y[yOff + q·yStride] = w[wOff ..] · x[xOff + q·n ..]} for {@code q = 0 .. 3}.
     */
    public static void dot4(float[] w, int wOff, float[] x, int xOff, int n, float[] y, int yOff, int yStride) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int c = 0;
        for (int bound = SPECIES.loopBound(n); c < bound; c += L) {
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

    /** {@code Σ (a_i - b_i)²}, a squared Euclidean distance, in the order of {@link #dot}. */
    public static float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int c = 0;
        for (int bound = SPECIES.loopBound(n); c < bound; c += L) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, aOff + c).sub(FloatVector.fromArray(SPECIES, b, bOff + c));
            acc = d.fma(d, acc);
        }
        float s = sum(acc);
        for (; c < n; c++) {
            float d = a[aOff + c] - b[bOff + c];
            s += d * d;
        }
        return s;
    }

    /** {@code acc[accOff ..] += w · v[vOff ..]} over {@code n} elements (one fused multiply-add each). */
    public static void axpy(float w, float[] v, int vOff, float[] acc, int accOff, int n) {
        FloatVector wv = FloatVector.broadcast(SPECIES, w);
        int c = 0;
        for (int bound = SPECIES.loopBound(n); c < bound; c += L) {
            FloatVector.fromArray(SPECIES, v, vOff + c).fma(wv, FloatVector.fromArray(SPECIES, acc, accOff + c))
                    .intoArray(acc, accOff + c);
        }
        for (; c < n; c++) {
            acc[accOff + c] += w * v[vOff + c];
        }
    }

    /** Four consecutive vectors into {@code out} from {@code off}. */
    public static void store4(float[] out, int off, FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        v0.intoArray(out, off);
        v1.intoArray(out, off + L);
        v2.intoArray(out, off + 2 * L);
        v3.intoArray(out, off + 3 * L);
    }
}
