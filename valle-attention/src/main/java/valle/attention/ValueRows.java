package valle.attention;

import valle.api.attention.AttentionProblem;
import valle.kit.thread.KernelPool;

/**
 * Where the tiled kernel reads value rows: key {@code j}'s row of key head {@code kvh} starts at
 * {@code base(kvh, j)}, and the next key's {@code keyStride} further. In a problem's own layout the rows of one
 * head are {@code kvHeads · valueDim} floats apart (4 KB at the published size), so the rows a run of keys reads
 * all map to the same few sets of the L1 cache and evict each other; {@link #packed} copies each head's rows next
 * to each other once per call, for passes of many query rows that read every row once per tile.
 */
record ValueRows(float[] data, int headStride, int keyStride) {
    private static final ThreadBuffer BUFFER = new ThreadBuffer();

    /** {@code p}'s values where they are. */
    static ValueRows of(AttentionProblem p) {
        return new ValueRows(p.v(), p.valueDim(), p.kvHeads() * p.valueDim());
    }

    /** {@code p}'s values copied to {@code [kvHeads][keys][valueDim]}, one key head per task on {@code pool}. */
    static ValueRows packed(AttentionProblem p, KernelPool pool) {
        int dv = p.valueDim();
        int kvHeads = p.kvHeads();
        int keys = p.keys();
        float[] data = BUFFER.atLeast(kvHeads * keys * dv);
        float[] v = p.v();
        pool.forEach(kvHeads, kvh -> {
            int to = kvh * keys * dv;
            for (int j = 0; j < keys; j++) {
                System.arraycopy(v, (j * kvHeads + kvh) * dv, data, to + j * dv, dv);
            }
        });
        return new ValueRows(data, keys * dv, dv);
    }

    /** Where key {@code j}'s value row of key head {@code kvh} starts. */
    int base(int kvh, int j) {
        return kvh * headStride + j * keyStride;
    }
}
