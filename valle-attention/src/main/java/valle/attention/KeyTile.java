package valle.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dot products of one query row with a tile of keys, for the tiled kernels: the keys are transposed once
 * per tile into {@code [headDim][width]}, so that each query row's scores come from broadcast multiply-adds over
 * whole vectors of keys ({@code headDim} fused multiply-adds per vector of scores) instead of one horizontal
 * sum per key. Each score still adds its {@code headDim} products in index order, so the result is the same
 * on every run and JIT tier. Loaded only when the Vector API module is present.
 */
final class KeyTile {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

    private KeyTile() {
    }

    /** The row width of a transposed tile of {@code keys} keys: a whole number of vectors. */
    static int width(int keys) {
        return (keys + FS.length() - 1) / FS.length() * FS.length();
    }

    /**
     * {@code kt[c · width + jj] = k_{j0 + jj}[c]} of key head {@code kvh}, for {@code jj < n}; lanes from {@code n}
     * to {@code width} keep whatever they held (their scores are never read).
     */
    static void transpose(float[] k, int kvHeads, int kvh, int d, int j0, int n, float[] kt, int width) {
        for (int jj = 0; jj < n; jj++) {
            int kOff = ((j0 + jj) * kvHeads + kvh) * d;
            for (int c = 0; c < d; c++) {
                kt[c * width + jj] = k[kOff + c];
            }
        }
    }

    /** {@code dots[jj] = q[qOff ..] · k_{j0 + jj}} for {@code jj < n}, from a tile made by {@link #transpose}. */
    static void dots(float[] q, int qOff, int d, float[] kt, int width, int n, float[] dots) {
        int step = FS.length();
        int jb = 0;
        // two vectors of keys at a time keep two independent chains of multiply-adds in flight
        for (; jb + 2 * step <= width && jb < n; jb += 2 * step) {
            FloatVector a0 = FloatVector.zero(FS);
            FloatVector a1 = FloatVector.zero(FS);
            for (int c = 0; c < d; c++) {
                FloatVector qc = FloatVector.broadcast(FS, q[qOff + c]);
                a0 = FloatVector.fromArray(FS, kt, c * width + jb).fma(qc, a0);
                a1 = FloatVector.fromArray(FS, kt, c * width + jb + step).fma(qc, a1);
            }
            a0.intoArray(dots, jb);
            a1.intoArray(dots, jb + step);
        }
        for (; jb < n; jb += step) {
            FloatVector a = FloatVector.zero(FS);
            for (int c = 0; c < d; c++) {
                a = FloatVector.fromArray(FS, kt, c * width + jb).fma(FloatVector.broadcast(FS, q[qOff + c]), a);
            }
            a.intoArray(dots, jb);
        }
    }
}
