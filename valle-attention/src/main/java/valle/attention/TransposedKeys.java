package valle.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import valle.api.attention.AttentionProblem;
import valle.kit.thread.KernelPool;
import valle.kit.vector.FloatVectors;

/**
 * A problem's keys transposed once per call into {@code [kvHeads][headDim][width]}, for the tiled kernel: a
 * query row's scores against a run of keys then come from broadcast multiply-adds over whole vectors of keys
 * ({@code headDim} multiply-adds per vector of scores, no horizontal sums), each score adding its products in
 * index order (the same result on every run and JIT tier). Rows are padded by one vector so that a run may
 * read whole vectors past its last key; those lanes (which may hold an earlier call's keys) are never used.
 * Loaded only when the Vector API is present.
 */
final class TransposedKeys {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    /** Keys transposed together: a 64-byte line of each result row. */
    private static final int TRANSPOSE_BLOCK = 16;
    private static final ThreadBuffer BUFFER = new ThreadBuffer();
    private final float[] data;
    private final int headDim;
    private final int width;

    private TransposedKeys(float[] data, int headDim, int width) {
        this.data = data;
        this.headDim = headDim;
        this.width = width;
    }

    /** Transposes {@code p}'s keys, one key head per task on {@code pool}. */
    static TransposedKeys of(AttentionProblem p, KernelPool pool) {
        int d = p.headDim();
        int kvHeads = p.kvHeads();
        int keys = p.keys();
        int width = (keys + L - 1) / L * L + L;
        float[] data = BUFFER.atLeast(kvHeads * d * width);
        float[] k = p.k();
        pool.forEach(kvHeads, kvh -> {
            int base = kvh * d * width;
            // a block of keys at a time: each write fills consecutive floats of one row of the result, and the
            // block's keys stay in L1 while their columns are read (key by key, every write missed the cache)
            for (int j0 = 0; j0 < keys; j0 += TRANSPOSE_BLOCK) {
                int j1 = Math.min(keys, j0 + TRANSPOSE_BLOCK);
                for (int c = 0; c < d; c++) {
                    int to = base + c * width;
                    for (int j = j0; j < j1; j++) {
                        data[to + j] = k[(j * kvHeads + kvh) * d + c];
                    }
                }
            }
        });
        return new TransposedKeys(data, d, width);
    }

    /** {@code out[jj] = q[qOff ..] · k_{j0 + jj}} of key head {@code kvh} for {@code jj < n}; lanes past n are garbage. */
    void dots(float[] q, int qOff, int kvh, int j0, int n, float[] out) {
        int base = kvh * headDim * width + j0;
        int jb = 0;
        // four vectors of keys at a time: four independent chains of multiply-adds in flight
        for (; jb + 3 * L < n; jb += 4 * L) {
            FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0, i = base + jb; c < headDim; c++, i += width) {
                FloatVector qc = FloatVector.broadcast(FS, q[qOff + c]);
                a0 = FloatVector.fromArray(FS, data, i).fma(qc, a0);
                a1 = FloatVector.fromArray(FS, data, i + L).fma(qc, a1);
                a2 = FloatVector.fromArray(FS, data, i + 2 * L).fma(qc, a2);
                a3 = FloatVector.fromArray(FS, data, i + 3 * L).fma(qc, a3);
            }
            FloatVectors.store4(out, jb, a0, a1, a2, a3);
        }
        for (; jb < n; jb += L) {
            FloatVector a = FloatVector.zero(FS);
            for (int c = 0, i = base + jb; c < headDim; c++, i += width) {
                a = FloatVector.fromArray(FS, data, i).fma(FloatVector.broadcast(FS, q[qOff + c]), a);
            }
            a.intoArray(out, jb);
        }
    }

    /**
     * {@link #dots} for four query rows at once ({@code qOff} and the next three rows, {@code rowStride} apart):
     * each vector of keys loaded once for all four, sixteen independent chains of multiply-adds.
     */
    void dots4(float[] q, int qOff, int rowStride, int kvh, int j0, int n, float[] out0, float[] out1, float[] out2,
               float[] out3) {
        int base = kvh * headDim * width + j0;
        int jb = 0;
        for (; jb + 3 * L < n; jb += 4 * L) {
            FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
            for (int c = 0; c < headDim; c++) {
                int i = base + jb + c * width;
                FloatVector k0 = FloatVector.fromArray(FS, data, i);
                FloatVector k1 = FloatVector.fromArray(FS, data, i + L);
                FloatVector k2 = FloatVector.fromArray(FS, data, i + 2 * L);
                FloatVector k3 = FloatVector.fromArray(FS, data, i + 3 * L);
                FloatVector qv = FloatVector.broadcast(FS, q[qOff + c]);
                a0 = k0.fma(qv, a0);
                a1 = k1.fma(qv, a1);
                a2 = k2.fma(qv, a2);
                a3 = k3.fma(qv, a3);
                qv = FloatVector.broadcast(FS, q[qOff + rowStride + c]);
                b0 = k0.fma(qv, b0);
                b1 = k1.fma(qv, b1);
                b2 = k2.fma(qv, b2);
                b3 = k3.fma(qv, b3);
                qv = FloatVector.broadcast(FS, q[qOff + 2 * rowStride + c]);
                c0 = k0.fma(qv, c0);
                c1 = k1.fma(qv, c1);
                c2 = k2.fma(qv, c2);
                c3 = k3.fma(qv, c3);
                qv = FloatVector.broadcast(FS, q[qOff + 3 * rowStride + c]);
                d0 = k0.fma(qv, d0);
                d1 = k1.fma(qv, d1);
                d2 = k2.fma(qv, d2);
                d3 = k3.fma(qv, d3);
            }
            FloatVectors.store4(out0, jb, a0, a1, a2, a3);
            FloatVectors.store4(out1, jb, b0, b1, b2, b3);
            FloatVectors.store4(out2, jb, c0, c1, c2, c3);
            FloatVectors.store4(out3, jb, d0, d1, d2, d3);
        }
        for (; jb < n; jb += L) {
            FloatVector a = FloatVector.zero(FS), b = a, c = a, d = a;
            for (int k = 0, i = base + jb; k < headDim; k++, i += width) {
                FloatVector kv = FloatVector.fromArray(FS, data, i);
                a = kv.fma(FloatVector.broadcast(FS, q[qOff + k]), a);
                b = kv.fma(FloatVector.broadcast(FS, q[qOff + rowStride + k]), b);
                c = kv.fma(FloatVector.broadcast(FS, q[qOff + 2 * rowStride + k]), c);
                d = kv.fma(FloatVector.broadcast(FS, q[qOff + 3 * rowStride + k]), d);
            }
            a.intoArray(out0, jb);
            b.intoArray(out1, jb);
            c.intoArray(out2, jb);
            d.intoArray(out3, jb);
        }
    }

    /** {@link #dots} for two query rows at once ({@code out0}, {@code out1}), each vector of keys loaded once. */
    void dots2(float[] q, int qOff0, int qOff1, int kvh, int j0, int n, float[] out0, float[] out1) {
        int base = kvh * headDim * width + j0;
        int jb = 0;
        // four vectors of keys for two rows: eight independent chains of multiply-adds
        for (; jb + 3 * L < n; jb += 4 * L) {
            FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int c = 0, i = base + jb; c < headDim; c++, i += width) {
                FloatVector k0 = FloatVector.fromArray(FS, data, i);
                FloatVector k1 = FloatVector.fromArray(FS, data, i + L);
                FloatVector k2 = FloatVector.fromArray(FS, data, i + 2 * L);
                FloatVector k3 = FloatVector.fromArray(FS, data, i + 3 * L);
                FloatVector q0 = FloatVector.broadcast(FS, q[qOff0 + c]);
                FloatVector q1 = FloatVector.broadcast(FS, q[qOff1 + c]);
                a0 = k0.fma(q0, a0);
                a1 = k1.fma(q0, a1);
                a2 = k2.fma(q0, a2);
                a3 = k3.fma(q0, a3);
                b0 = k0.fma(q1, b0);
                b1 = k1.fma(q1, b1);
                b2 = k2.fma(q1, b2);
                b3 = k3.fma(q1, b3);
            }
            FloatVectors.store4(out0, jb, a0, a1, a2, a3);
            FloatVectors.store4(out1, jb, b0, b1, b2, b3);
        }
        for (; jb < n; jb += L) {
            FloatVector a = FloatVector.zero(FS), b = a;
            for (int c = 0, i = base + jb; c < headDim; c++, i += width) {
                FloatVector k = FloatVector.fromArray(FS, data, i);
                a = k.fma(FloatVector.broadcast(FS, q[qOff0 + c]), a);
                b = k.fma(FloatVector.broadcast(FS, q[qOff1 + c]), b);
            }
            a.intoArray(out0, jb);
            b.intoArray(out1, jb);
        }
    }
}
