package valle.attention;

import valle.api.attention.AttentionProblem;
import valle.kit.thread.KernelPool;

/**
 * Where the tiled kernel reads value rows: key {@code j}'s row of key head {@code kvh} starts at
 * {@code base(kvh, j)}, and the next key's {@code keyStride} further. In a problem's own layout the rows of one
 * head are {@code kvHeads · valueDim} floats apart (4 KB at the published size), so a run of keys touches one
 * cache set after another and the prefetcher sees a stride; {@link #packed} copies each head's rows next to
 * each other once per call, for passes of many query rows that read every row once per tile.
 */
record ValueRows(float[] data, int headStride, int keyStride) {
    /**
     * The calling thread's buffer, kept from call to call and grown as needed, as {@link TransposedKeys}' is: a new
     * one per call would be garbage of a few MB each time.
     */
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    /** {@code p}'s values where they are. */
    static ValueRows of(AttentionProblem p) {
        return new ValueRows(p.v(), p.valueDim(), p.kvHeads() * p.valueDim());
    }

    /** {@code p}'s values copied to {@code [kvHeads][keys][valueDim]}, one key head per task on {@code pool}. */
    static ValueRows packed(AttentionProblem p, KernelPool pool) {
        int dv = p.valueDim();
        int kvHeads = p.kvHeads();
        int keys = p.keys();
        float[] data = buffer(kvHeads * keys * dv);
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

    private static float[] buffer(int floats) {
        float[] data = BUFFER.get();
        if (data.length < floats) {
            data = new float[floats];
            BUFFER.set(data);
        }
        return data;
    }
}
