package valle.attention;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import valle.api.attention.AttentionProblem;

/**
 * {@link FlashKernel}'s algorithm on whole vectors: per query row and run of visible keys, the scores come from
 * {@link TransposedKeys} (or one dot product per key when there are too few query rows to pay for the
 * transpose, as in a one-row decode), are scaled, biased and masked, and turned into weights by
 * {@link VectorExp}; the weighted value rows are added with four vectors of the row's accumulator in registers
 * across the whole run. Every sum keeps a fixed order, so results do not change between runs or JIT tiers.
 * Loaded only when the Vector API module is present.
 */
final class VectorFlash {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** From this many query rows on, the keys are transposed once per call. */
    static final int TRANSPOSE_MIN_QUERIES = 8;

    private VectorFlash() {
    }

    static void attend(AttentionProblem p, int queryTile, int keyTile, int threads, float[] out, float[] logSumExp) {
        TransposedKeys keys = p.queries() >= TRANSPOSE_MIN_QUERIES ? TransposedKeys.of(p, threads) : null;
        int tiles = (p.queries() + queryTile - 1) / queryTile;
        WorkerPool.run(p.heads() * tiles, threads, task ->
                tile(p, keys, task / tiles, task % tiles * queryTile, queryTile, keyTile, out, logSumExp));
    }

    private static void tile(AttentionProblem p, TransposedKeys keys, int h, int i0, int queryTile, int keyTile,
                             float[] out, float[] logSumExp) {
        int i1 = Math.min(i0 + queryTile, p.queries());
        int rows = i1 - i0;
        int dv = p.valueDim();
        int kvh = h / (p.heads() / p.kvHeads());
        float[] bias = Scores.bias(p);
        float[] max = new float[rows];
        float[] sum = new float[rows];
        float[] acc = new float[rows * dv];
        // room for whole vectors past the run's end (TransposedKeys writes up to four at a time)
        float[] s = new float[keyTile + 4 * L];
        int[] from = new int[rows];
        int[] to = new int[rows];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        for (int r = 0; r < rows; r++) {
            from[r] = p.mask().visibleFrom(i0 + r, p.keys());
            to[r] = p.mask().visibleTo(i0 + r, p.keys());
            if (from[r] < to[r]) {
                lo = Math.min(lo, from[r]);
                hi = Math.max(hi, to[r]);
            }
        }
        for (int j0 = lo; j0 < hi; j0 += keyTile) {
            int j1 = Math.min(j0 + keyTile, hi);
            for (int r = 0; r < rows; r++) {
                int a = Math.max(from[r], j0);
                int b = Math.min(to[r], j1);
                if (a >= b) {
                    continue;
                }
                int i = i0 + r;
                int n = b - a;
                int qOff = (i * p.heads() + h) * p.headDim();
                if (keys != null) {
                    keys.dots(p.q(), qOff, kvh, a, n, s);
                } else {
                    for (int jj = 0; jj < n; jj++) {
                        s[jj] = VectorDot.dot(p.q(), qOff, p.k(), ((a + jj) * p.kvHeads() + kvh) * p.headDim(),
                                p.headDim());
                    }
                }
                float runMax = scaleAndMask(s, n, p.scale(), bias, i * p.keys() + a);
                if (runMax == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                float newMax = Math.max(max[r], runMax);
                // what was accumulated under the old maximum is rescaled; nothing was while it was -inf
                if (max[r] != Float.NEGATIVE_INFINITY && newMax != max[r]) {
                    float alpha = (float) Math.exp(max[r] - newMax);
                    sum[r] *= alpha;
                    scale(acc, r * dv, dv, alpha);
                }
                sum[r] += weights(s, n, newMax);
                addValues(p, kvh, a, n, s, acc, r * dv, bias != null);
                max[r] = newMax;
            }
        }
        for (int r = 0; r < rows; r++) {
            int oOff = ((i0 + r) * p.heads() + h) * dv;
            float inv = sum[r] == 0f ? 0f : 1f / sum[r];
            for (int c = 0; c < dv; c++) {
                out[oOff + c] = acc[r * dv + c] * inv;
            }
            if (logSumExp != null) {
                logSumExp[(i0 + r) * p.heads() + h] = sum[r] == 0f
                        ? Float.NEGATIVE_INFINITY : max[r] + (float) Math.log(sum[r]);
            }
        }
    }

    /**
     * {@code s[jj] = scale · s[jj] + bias[biasOff + jj]} for {@code jj < n} ({@code -inf} where the bias is) and
     * {@code -inf} in the rest of the last vector; returns the largest.
     */
    private static float scaleAndMask(float[] s, int n, float scale, float[] bias, int biasOff) {
        FloatVector hidden = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
        FloatVector largest = hidden;
        for (int jb = 0; jb < n; jb += L) {
            VectorMask<Float> in = FS.indexInRange(jb, n);
            FloatVector v = FloatVector.fromArray(FS, s, jb).mul(scale);
            if (bias != null) {
                FloatVector b = FloatVector.fromArray(FS, bias, biasOff + jb, in);
                // a -inf bias hides its key, whose score may be NaN (a hidden key may hold anything)
                v = v.add(b).blend(hidden, b.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY));
            }
            v = hidden.blend(v, in);
            v.intoArray(s, jb);
            largest = largest.max(v);
        }
        // the largest lane does not depend on the order of comparison
        return largest.reduceLanes(VectorOperators.MAX);
    }

    /** {@code s[jj] = exp(s[jj] - max)} over the run's vectors; returns their sum (in a fixed order). */
    private static float weights(float[] s, int n, float max) {
        FloatVector total = FloatVector.zero(FS);
        for (int jb = 0; jb < n; jb += L) {
            FloatVector e = VectorExp.exp(FloatVector.fromArray(FS, s, jb).sub(max));
            e.intoArray(s, jb);
            total = total.add(e);
        }
        return VectorDot.sum(total);
    }

    private static void scale(float[] acc, int off, int n, float alpha) {
        int c = 0;
        for (; c + L <= n; c += L) {
            FloatVector.fromArray(FS, acc, off + c).mul(alpha).intoArray(acc, off + c);
        }
        for (; c < n; c++) {
            acc[off + c] *= alpha;
        }
    }

    /**
     * {@code acc[accOff ..] += Σ_jj w[jj] · v_{j0 + jj}} for {@code jj < n}, keys in index order, up to four vectors
     * of the accumulator in registers. {@code skipZeros}: a weight of exactly 0 (a key a bias hides) does not
     * read its value row, which may hold anything (NaN included).
     */
    private static void addValues(AttentionProblem p, int kvh, int j0, int n, float[] w, float[] acc, int accOff,
                                  boolean skipZeros) {
        int dv = p.valueDim();
        int stride = p.kvHeads() * dv;
        int base = (j0 * p.kvHeads() + kvh) * dv;
        float[] v = p.v();
        int c = 0;
        for (; c + 4 * L <= dv; c += 4 * L) {
            int o = accOff + c;
            FloatVector a0 = FloatVector.fromArray(FS, acc, o);
            FloatVector a1 = FloatVector.fromArray(FS, acc, o + L);
            FloatVector a2 = FloatVector.fromArray(FS, acc, o + 2 * L);
            FloatVector a3 = FloatVector.fromArray(FS, acc, o + 3 * L);
            for (int jj = 0, i = base + c; jj < n; jj++, i += stride) {
                if (skipZeros && w[jj] == 0f) {
                    continue;
                }
                FloatVector wj = FloatVector.broadcast(FS, w[jj]);
                a0 = FloatVector.fromArray(FS, v, i).fma(wj, a0);
                a1 = FloatVector.fromArray(FS, v, i + L).fma(wj, a1);
                a2 = FloatVector.fromArray(FS, v, i + 2 * L).fma(wj, a2);
                a3 = FloatVector.fromArray(FS, v, i + 3 * L).fma(wj, a3);
            }
            a0.intoArray(acc, o);
            a1.intoArray(acc, o + L);
            a2.intoArray(acc, o + 2 * L);
            a3.intoArray(acc, o + 3 * L);
        }
        for (; c + L <= dv; c += L) {
            FloatVector a = FloatVector.fromArray(FS, acc, accOff + c);
            for (int jj = 0, i = base + c; jj < n; jj++, i += stride) {
                if (!(skipZeros && w[jj] == 0f)) {
                    a = FloatVector.fromArray(FS, v, i).fma(FloatVector.broadcast(FS, w[jj]), a);
                }
            }
            a.intoArray(acc, accOff + c);
        }
        for (; c < dv; c++) {
            float a = acc[accOff + c];
            for (int jj = 0, i = base + c; jj < n; jj++, i += stride) {
                if (!(skipZeros && w[jj] == 0f)) {
                    a += w[jj] * v[i];
                }
            }
            acc[accOff + c] = a;
        }
    }
}
