package valle.attention;

import java.util.ArrayList;
import java.util.List;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionProblem;
import valle.kit.plugin.DescribedPlugin;
import valle.kit.thread.KernelPool;
import valle.kit.thread.ThreadCount;

/**
 * Tiled online-softmax attention, FlashAttention-2 style ({@code docs/spec/archs.md} §7.3): query tiles of
 * {@code queryTile} rows run in parallel (per head); each walks the key tiles its rows can see, keeping per
 * row a running maximum, a running denominator and an unnormalised accumulator, rescaled when the maximum
 * grows; the division happens once at the end. Key tiles wholly outside a tile's visible range (above the
 * causal diagonal, before a sliding window) are never visited. With the Vector API the same algorithm runs on
 * whole vectors ({@link VectorFlash}); the scalar loops below are its readable form and the class path's
 * fallback.
 */
public final class FlashKernel extends DescribedPlugin implements AttentionKernel, AutoCloseable {
    private final int queryTile;
    private final int keyTile;
    /** This kernel's threads ({@code valle.threads}, as configured where it was made); started on first use. */
    private final KernelPool pool;
    /** Whether the Vector API form runs (when present); false keeps the scalar loops (a TCK variant). */
    private final boolean vector;

    public FlashKernel() {
        // key tiles of 128: the accumulators are rescaled once a tile, half as often as with 64 (docs/attention.md)
        this(32, 128, ThreadCount.configured());
    }

    FlashKernel(int queryTile, int keyTile, int threads) {
        this(queryTile, keyTile, threads, true);
    }

    private FlashKernel(int queryTile, int keyTile, int threads, boolean vector) {
        if (queryTile < 1 || keyTile < 1 || threads < 1) {
            throw new IllegalArgumentException("tiles and threads must be >= 1");
        }
        super("flash", 20);
        this.queryTile = queryTile;
        this.keyTile = keyTile;
        this.pool = new KernelPool(threads, "valle-flash");
        this.vector = vector && Scores.vectorized();
    }

    /** Its tiles, threads and form. */
    @Override
    public String description() {
        return "tiled online softmax (FlashAttention-2 style), query tiles in parallel, " + queryTile + "x" + keyTile
                + " tiles, " + pool.threads() + " thread(s)" + (vector ? "" : ", scalar loops");
    }

    /**
     * The default for every shape: fastest for prefill (2-3x sdpa on 2 threads at T = 300..1000) and as fast as
     * split-KV for a one-row decode whenever there are at least as many heads as threads (heads × tiles keep
     * every thread busy). See docs/attention.md.
     */
    @Override
    public int priority(AttentionProblem problem) {
        return 30;
    }

    @Override
    public List<AttentionKernel> variants() {
        List<AttentionKernel> out = new ArrayList<>();
        int[][] tiles = {{1, 1}, {3, 3}, {16, 64}, {64, 16}, {4096, 4096}};
        for (int[] t : tiles) {
            out.add(new FlashKernel(t[0], t[1], 1));
        }
        out.add(new FlashKernel(queryTile, keyTile, 2));
        // the scalar form, which the vector one replaces wherever the Vector API is present
        out.add(new FlashKernel(3, 3, 1, false));
        out.add(new FlashKernel(queryTile, keyTile, 2, false));
        return out;
    }

    /** A copy with another thread count (benchmarks). */
    public FlashKernel withThreads(int n) {
        return new FlashKernel(queryTile, keyTile, n, vector);
    }

    @Override
    public void attend(AttentionProblem p, float[] out, float[] logSumExp) {
        if (vector) {
            VectorFlash.attend(p, queryTile, keyTile, pool, out, logSumExp);
            return;
        }
        int tiles = (p.queries() + queryTile - 1) / queryTile;
        pool.forEach(p.heads() * tiles, task -> tile(p, task / tiles, task % tiles, out, logSumExp));
    }

    private void tile(AttentionProblem p, int h, int tile, float[] out, float[] logSumExp) {
        int i0 = tile * queryTile;
        OnlineSoftmax st = new OnlineSoftmax(p, i0, Math.min(i0 + queryTile, p.queries()));
        int rows = st.rows;
        int dv = p.valueDim();
        float[] bias = Scores.bias(p);
        float[] max = st.max;
        float[] sum = st.sum;
        float[] acc = st.acc;
        int[] from = st.from;
        int[] to = st.to;
        float[] s = new float[keyTile];
        for (int j0 = st.lo; j0 < st.hi; j0 += keyTile) {
            int j1 = Math.min(j0 + keyTile, st.hi);
            for (int r = 0; r < rows; r++) {
                int i = i0 + r;
                if (j1 <= from[r] || j0 >= to[r]) {
                    continue;
                }
                float tileMax = Float.NEGATIVE_INFINITY;
                for (int j = j0; j < j1; j++) {
                    s[j - j0] = Scores.score(p, bias, i, h, j, from[r], to[r]);
                    tileMax = Math.max(tileMax, s[j - j0]);
                }
                if (tileMax == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                float newMax = Math.max(max[r], tileMax);
                // alpha rescales what was accumulated under the old maximum; nothing was when it was -inf
                float alpha = max[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(max[r] - newMax);
                sum[r] *= alpha;
                for (int c = 0; c < dv; c++) {
                    acc[r * dv + c] *= alpha;
                }
                for (int j = j0; j < j1; j++) {
                    if (s[j - j0] == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    float e = (float) Math.exp(s[j - j0] - newMax);
                    sum[r] += e;
                    Scores.addValue(p, h, j, e, acc, r * dv);
                }
                max[r] = newMax;
            }
        }
        st.finish(p, h, out, logSumExp);
    }

    /** Stops this kernel's pool threads (its owner, a {@code Valle}, closes it); later calls run on the caller. */
    @Override
    public void close() {
        pool.close();
    }
}
