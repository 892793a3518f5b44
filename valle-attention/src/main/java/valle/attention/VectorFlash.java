package valle.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import valle.api.attention.AttentionProblem;
import valle.kit.thread.KernelPool;
import valle.kit.vector.FloatVectors;

/**
 * {@link FlashKernel}'s algorithm on whole vectors: per query row and run of visible keys, the scores come from
 * {@link TransposedKeys} (or one dot product per key when there are too few query rows to pay for the
 * transpose, as in a one-row decode), are scaled, biased and masked, and turned into weights by
 * {@link VectorExp}; the weighted value rows are added with four vectors of the row's accumulator in registers
 * across the whole run; four rows (with 512-bit vectors) or two that see the same keys of a tile go together,
 * sharing every load of keys and values. Every sum keeps a fixed order, so results do not change between runs
 * or JIT tiers, nor with the rows a row goes with; but a score's order depends on the path (index order over
 * the transposed keys, a lane tree in a single dot product), so a row decoded alone may differ in its last bits
 * from the same row inside a longer pass. Loaded only when the Vector API module is present.
 */
final class VectorFlash {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** Whether four rows go together: their sixteen accumulators fit the 32 registers of 512-bit vectors. */
    private static final boolean QUADS = FS.vectorBitSize() >= 512;
    /** From this many query rows on, the keys are transposed once per call. */
    static final int TRANSPOSE_MIN_QUERIES = 8;

    private VectorFlash() {
    }

    static void attend(AttentionProblem p, int queryTile, int keyTile, KernelPool pool, float[] out,
                       float[] logSumExp) {
        boolean many = p.queries() >= TRANSPOSE_MIN_QUERIES;
        TransposedKeys keys = many ? TransposedKeys.of(p, pool) : null;
        ValueRows values = many ? ValueRows.packed(p, pool) : ValueRows.of(p);
        int tiles = (p.queries() + queryTile - 1) / queryTile;
        pool.forEach(p.heads() * tiles, task ->
                tile(p, keys, values, task / tiles, task % tiles * queryTile, queryTile, keyTile, out, logSumExp));
    }

    private static void tile(AttentionProblem p, TransposedKeys keys, ValueRows values, int h, int i0, int queryTile,
                             int keyTile, float[] out, float[] logSumExp) {
        OnlineSoftmax st = new OnlineSoftmax(p, i0, Math.min(i0 + queryTile, p.queries()));
        int rows = st.rows;
        int[] from = st.from;
        int[] to = st.to;
        int dv = p.valueDim();
        int kvh = h / (p.heads() / p.kvHeads());
        float[] bias = Scores.bias(p);
        // room for the last run's whole vectors, which may reach past its end
        float[] s = new float[keyTile + L];
        float[] s2 = keys != null ? new float[s.length] : null;
        float[] s3 = keys != null && QUADS ? new float[s.length] : null;
        float[] s4 = keys != null && QUADS ? new float[s.length] : null;
        for (int j0 = st.lo; j0 < st.hi; j0 += keyTile) {
            int j1 = Math.min(j0 + keyTile, st.hi);
            for (int r = 0; r < rows; ) {
                int a = Math.max(from[r], j0);
                int b = Math.min(to[r], j1);
                if (s3 != null && a < b && r + 3 < rows && sameRun(from, to, r + 3, j0, j1, a, b)
                        && sameRun(from, to, r + 2, j0, j1, a, b) && sameRun(from, to, r + 1, j0, j1, a, b)) {
                    quad(p, keys, values, st, h, kvh, r, a, b - a, bias, s, s2, s3, s4);
                    r += 4;
                    continue;
                }
                // two rows that see the same keys of this tile share every load of keys and values
                boolean pair = keys != null && r + 1 < rows && Math.max(from[r + 1], j0) == a
                        && Math.min(to[r + 1], j1) == b;
                if (a >= b) {
                    r += pair ? 2 : 1;
                    continue;
                }
                int i = i0 + r;
                int n = b - a;
                int qOff = (i * p.heads() + h) * p.headDim();
                int biasOff = i * p.keys() + a;
                if (pair) {
                    keys.dots2(p.q(), qOff, qOff + p.heads() * p.headDim(), kvh, a, n, s, s2);
                    boolean first = absorb(st, r, s, n, p.scale(), bias, biasOff, dv);
                    boolean second = absorb(st, r + 1, s2, n, p.scale(), bias, biasOff + p.keys(), dv);
                    if (first && second) {
                        addValues2(p, values, kvh, a, n, s, s2, st.acc, r * dv, (r + 1) * dv, bias != null);
                    } else if (first || second) {
                        addValues(p, values, kvh, a, n, first ? s : s2, st.acc, (first ? r : r + 1) * dv, bias != null);
                    }
                    r += 2;
                    continue;
                }
                if (keys != null) {
                    keys.dots(p.q(), qOff, kvh, a, n, s);
                } else {
                    for (int jj = 0; jj < n; jj++) {
                        s[jj] = FloatVectors.dot(p.q(), qOff, p.k(), ((a + jj) * p.kvHeads() + kvh) * p.headDim(),
                                p.headDim());
                    }
                }
                if (absorb(st, r, s, n, p.scale(), bias, biasOff, dv)) {
                    addValues(p, values, kvh, a, n, s, st.acc, r * dv, bias != null);
                }
                r++;
            }
        }
        st.finish(p, h, out, logSumExp);
    }

    private static boolean sameRun(int[] from, int[] to, int r, int j0, int j1, int a, int b) {
        return Math.max(from[r], j0) == a && Math.min(to[r], j1) == b;
    }

    /**
     * Rows {@code r .. r + 3} of the tile over the run of {@code n} keys from {@code a} that all four see: scores
     * with every vector of keys loaded once for the four rows, values likewise when every row has a visible key
     * in the run, else row by row. Each row's sums keep the order they have in a pair or alone. {@code s .. s4}
     * receive the four rows' scores, then weights.
     */
    private static void quad(AttentionProblem p, TransposedKeys keys, ValueRows values, OnlineSoftmax st, int h,
                             int kvh, int r, int a, int n, float[] bias, float[] s, float[] s2, float[] s3,
                             float[] s4) {
        int dv = p.valueDim();
        int rowStride = p.heads() * p.headDim();
        int i = st.i0 + r;
        int qOff = (i * p.heads() + h) * p.headDim();
        int biasOff = i * p.keys() + a;
        keys.dots4(p.q(), qOff, rowStride, kvh, a, n, s, s2, s3, s4);
        float[][] w = {s, s2, s3, s4};
        boolean all = true;
        boolean[] seen = new boolean[4];
        for (int k = 0; k < 4; k++) {
            seen[k] = absorb(st, r + k, w[k], n, p.scale(), bias, biasOff + k * p.keys(), dv);
            all &= seen[k];
        }
        if (all) {
            addValues4(p, values, kvh, a, n, w, st.acc, r * dv, bias != null);
            return;
        }
        for (int k = 0; k < 4; k++) {
            if (seen[k]) {
                addValues(p, values, kvh, a, n, w[k], st.acc, (r + k) * dv, bias != null);
            }
        }
    }

    /**
     * Row {@code r}'s dot products with a run of {@code n} keys, {@code s}, become its softmax weights under the
     * running maximum: scaled, biased and masked, the maximum raised (and what was accumulated under the old one
     * rescaled), exponentiated and added to the row's sum. Returns false when every key of the run is hidden.
     */
    private static boolean absorb(OnlineSoftmax st, int r, float[] s, int n, float scale, float[] bias, int biasOff,
                                  int dv) {
        float[] max = st.max;
        float[] sum = st.sum;
        float runMax = scaleAndMask(s, n, scale, bias, biasOff);
        if (runMax == Float.NEGATIVE_INFINITY) {
            return false;
        }
        float newMax = Math.max(max[r], runMax);
        // what was accumulated under the old maximum is rescaled; nothing was while it was -inf
        if (max[r] != Float.NEGATIVE_INFINITY && newMax != max[r]) {
            float alpha = (float) Math.exp(max[r] - newMax);
            sum[r] *= alpha;
            scale(st.acc, r * dv, dv, alpha);
        }
        sum[r] += weights(s, n, newMax);
        max[r] = newMax;
        return true;
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
        return FloatVectors.sum(total);
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
     * {@code acc[accOff ..] += Σ_jj w[jj] · v_{j0 + jj}} for {@code jj < n} (value rows where {@code values} keeps
     * them), keys in index order, up to four vectors of the accumulator in registers. {@code skipZeros}: a weight
     * of exactly 0 (a key a bias hides) does not read its value row, which may hold anything (NaN included).
     */
    private static void addValues(AttentionProblem p, ValueRows values, int kvh, int j0, int n, float[] w,
                                  float[] acc, int accOff, boolean skipZeros) {
        int dv = p.valueDim();
        int stride = values.keyStride();
        int base = values.base(kvh, j0);
        float[] v = values.data();
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
            FloatVectors.store4(acc, o, a0, a1, a2, a3);
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
    /**
     * {@link #addValues} for two rows over the same keys, each value vector loaded once for both: eight
     * independent chains of multiply-adds (four accumulator vectors a row) where dv allows, else row by row.
     */
    private static void addValues2(AttentionProblem p, ValueRows values, int kvh, int j0, int n, float[] w0,
                                   float[] w1, float[] acc, int off0, int off1, boolean skipZeros) {
        int dv = p.valueDim();
        if (dv % (4 * L) != 0) {
            addValues(p, values, kvh, j0, n, w0, acc, off0, skipZeros);
            addValues(p, values, kvh, j0, n, w1, acc, off1, skipZeros);
            return;
        }
        int stride = values.keyStride();
        int base = values.base(kvh, j0);
        float[] v = values.data();
        for (int c = 0; c < dv; c += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(FS, acc, off0 + c);
            FloatVector a1 = FloatVector.fromArray(FS, acc, off0 + c + L);
            FloatVector a2 = FloatVector.fromArray(FS, acc, off0 + c + 2 * L);
            FloatVector a3 = FloatVector.fromArray(FS, acc, off0 + c + 3 * L);
            FloatVector b0 = FloatVector.fromArray(FS, acc, off1 + c);
            FloatVector b1 = FloatVector.fromArray(FS, acc, off1 + c + L);
            FloatVector b2 = FloatVector.fromArray(FS, acc, off1 + c + 2 * L);
            FloatVector b3 = FloatVector.fromArray(FS, acc, off1 + c + 3 * L);
            for (int jj = 0, i = base + c; jj < n; jj++, i += stride) {
                FloatVector x0 = FloatVector.fromArray(FS, v, i);
                FloatVector x1 = FloatVector.fromArray(FS, v, i + L);
                FloatVector x2 = FloatVector.fromArray(FS, v, i + 2 * L);
                FloatVector x3 = FloatVector.fromArray(FS, v, i + 3 * L);
                // with skipZeros, a key hidden from one row (weight 0) is added only to the row that sees it:
                // its value row may hold anything
                if (!skipZeros || w0[jj] != 0f) {
                    FloatVector u = FloatVector.broadcast(FS, w0[jj]);
                    a0 = x0.fma(u, a0);
                    a1 = x1.fma(u, a1);
                    a2 = x2.fma(u, a2);
                    a3 = x3.fma(u, a3);
                }
                if (!skipZeros || w1[jj] != 0f) {
                    FloatVector u = FloatVector.broadcast(FS, w1[jj]);
                    b0 = x0.fma(u, b0);
                    b1 = x1.fma(u, b1);
                    b2 = x2.fma(u, b2);
                    b3 = x3.fma(u, b3);
                }
            }
            FloatVectors.store4(acc, off0 + c, a0, a1, a2, a3);
            FloatVectors.store4(acc, off1 + c, b0, b1, b2, b3);
        }
    }

    /**
     * {@link #addValues2} for four rows ({@code w[0..3]}, accumulators from {@code off} one row of {@code dv}
     * apart), each value vector loaded once for all four: sixteen chains where {@code dv} is a multiple of four
     * vectors, else row by row.
     */
    private static void addValues4(AttentionProblem p, ValueRows values, int kvh, int j0, int n, float[][] w,
                                   float[] acc, int off, boolean skipZeros) {
        int dv = p.valueDim();
        if (dv % (4 * L) != 0) {
            for (int k = 0; k < 4; k++) {
                addValues(p, values, kvh, j0, n, w[k], acc, off + k * dv, skipZeros);
            }
            return;
        }
        for (int c = 0; c < dv; c += 4 * L) {
            addValues4(p, values, kvh, j0, n, w[0], w[1], w[2], w[3], acc, off, c, skipZeros);
        }
    }

    /** Columns {@code [c, c + 4L)} of the four rows' accumulators (from {@code off}, {@code dv} apart). */
    private static void addValues4(AttentionProblem p, ValueRows values, int kvh, int j0, int n, float[] w0,
                                   float[] w1, float[] w2, float[] w3, float[] acc, int off, int c, boolean skipZeros) {
        int dv = p.valueDim();
        int stride = values.keyStride();
        int o = off + c;
        float[] v = values.data();
        FloatVector a0 = FloatVector.fromArray(FS, acc, o), a1 = FloatVector.fromArray(FS, acc, o + L),
                a2 = FloatVector.fromArray(FS, acc, o + 2 * L), a3 = FloatVector.fromArray(FS, acc, o + 3 * L);
        int o1 = o + dv;
        FloatVector b0 = FloatVector.fromArray(FS, acc, o1), b1 = FloatVector.fromArray(FS, acc, o1 + L),
                b2 = FloatVector.fromArray(FS, acc, o1 + 2 * L), b3 = FloatVector.fromArray(FS, acc, o1 + 3 * L);
        int o2 = o + 2 * dv;
        FloatVector c0 = FloatVector.fromArray(FS, acc, o2), c1 = FloatVector.fromArray(FS, acc, o2 + L),
                c2 = FloatVector.fromArray(FS, acc, o2 + 2 * L), c3 = FloatVector.fromArray(FS, acc, o2 + 3 * L);
        int o3 = o + 3 * dv;
        FloatVector d0 = FloatVector.fromArray(FS, acc, o3), d1 = FloatVector.fromArray(FS, acc, o3 + L),
                d2 = FloatVector.fromArray(FS, acc, o3 + 2 * L), d3 = FloatVector.fromArray(FS, acc, o3 + 3 * L);
        for (int jj = 0, i = values.base(kvh, j0) + c; jj < n; jj++, i += stride) {
            FloatVector x0 = FloatVector.fromArray(FS, v, i);
            FloatVector x1 = FloatVector.fromArray(FS, v, i + L);
            FloatVector x2 = FloatVector.fromArray(FS, v, i + 2 * L);
            FloatVector x3 = FloatVector.fromArray(FS, v, i + 3 * L);
            // with skipZeros, a key hidden from a row (weight 0) is added only to the rows that see it
            if (!skipZeros || w0[jj] != 0f) {
                FloatVector u = FloatVector.broadcast(FS, w0[jj]);
                a0 = x0.fma(u, a0);
                a1 = x1.fma(u, a1);
                a2 = x2.fma(u, a2);
                a3 = x3.fma(u, a3);
            }
            if (!skipZeros || w1[jj] != 0f) {
                FloatVector u = FloatVector.broadcast(FS, w1[jj]);
                b0 = x0.fma(u, b0);
                b1 = x1.fma(u, b1);
                b2 = x2.fma(u, b2);
                b3 = x3.fma(u, b3);
            }
            if (!skipZeros || w2[jj] != 0f) {
                FloatVector u = FloatVector.broadcast(FS, w2[jj]);
                c0 = x0.fma(u, c0);
                c1 = x1.fma(u, c1);
                c2 = x2.fma(u, c2);
                c3 = x3.fma(u, c3);
            }
            if (!skipZeros || w3[jj] != 0f) {
                FloatVector u = FloatVector.broadcast(FS, w3[jj]);
                d0 = x0.fma(u, d0);
                d1 = x1.fma(u, d1);
                d2 = x2.fma(u, d2);
                d3 = x3.fma(u, d3);
            }
        }
        FloatVectors.store4(acc, o, a0, a1, a2, a3);
        FloatVectors.store4(acc, o1, b0, b1, b2, b3);
        FloatVectors.store4(acc, o2, c0, c1, c2, c3);
        FloatVectors.store4(acc, o3, d0, d1, d2, d3);
    }
}
