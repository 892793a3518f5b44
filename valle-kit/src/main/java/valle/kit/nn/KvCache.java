package valle.kit.nn;

import valle.api.Experimental;

/**
 * Keys (after RoPE) and values of every layer for the rows consumed so far, token-major
 * {@code [rows, kvHeads, headDim]} in float arrays that an attention kernel reads in place. Capacity is what
 * the rows need rounded up to {@link #GROWTH_ROWS} rows, not doubled: at the published size a decode loop's cache
 * at 666 rows holds 768 rows (75 MB) instead of the 1,168 doubling from a 292-row prefill gave (114 MB), and a
 * growth every 128 steps copies the cache once (some 10 ms against 128 steps of 20-40 ms). A pass
 * {@link #reserve}s room for its rows, writes them after {@link #length()} and {@link #advance}s. The arrays come
 * from a {@link KvCachePool} and go back to it when the cache is closed; the arrays a cache grows out of are left
 * to the collector (the next cache of a request would not fit them, and kept they would stay resident).
 */
@Experimental("shared by the Java transformer backbones since the kit was made")
public final class KvCache extends OwnedState<KvCache> {
    /** The step in rows by which capacity grows. */
    public static final int GROWTH_ROWS = 128;

    private final KvCachePool pool;
    private final int layers;
    private final int rowWidth;
    /** {@code [keys of every layer..., values of every layer...]}, all of one capacity; empty before the first reserve. */
    private float[][] buffers;

    /**
     * An empty cache of {@code owner}'s for {@code layers} layers of rows {@code rowWidth} wide, with a pool of
     * its own that keeps nothing (a backbone shares one pool among its caches: {@link KvCachePool#newCache}).
     *
     * @param name what the cache is, for error messages ("llama KV cache")
     */
    public KvCache(Object owner, String name, int layers, int rowWidth) {
        this(owner, name, new KvCachePool(layers, rowWidth, 0));
    }

    KvCache(Object owner, String name, KvCachePool pool) {
        super(owner, name);
        this.pool = pool;
        this.layers = pool.layers();
        this.rowWidth = pool.rowWidth();
        this.buffers = new float[2 * layers][0];
    }

    private KvCache(KvCache from) {
        super(from);
        this.pool = from.pool;
        this.layers = from.layers;
        this.rowWidth = from.rowWidth;
        int used = from.length() * rowWidth;
        // sized to the rows it holds, not to the source's capacity: forks of a long cache add what they use
        this.buffers = used == 0 ? new float[2 * layers][0] : pool.take(capacity(from.length()));
        for (int i = 0; i < buffers.length; i++) {
            System.arraycopy(from.buffers[i], 0, buffers[i], 0, used);
        }
    }

    /** Makes room for {@code extra} more rows in every layer. */
    public void reserve(int extra) {
        ensureOpen();
        int needed = (length() + extra) * rowWidth;
        if (capacity() >= needed) {
            return;
        }
        float[][] grown = pool.take(capacity(length() + extra));
        int used = length() * rowWidth;
        for (int i = 0; i < buffers.length; i++) {
            System.arraycopy(buffers[i], 0, grown[i], 0, used);
        }
        buffers = grown;
    }

    /**
     * The layer's keys: row {@code t} at {@code t · rowWidth}; rows from {@link #length()} on are free. In a cache
     * of one pass's keys and values every layer gets the same array, which the next layer overwrites.
     */
    public float[] keys(int layer) {
        return buffers[pool.layersShareRows() ? 0 : layer];
    }

    /** The layer's values, laid out as its {@link #keys}. */
    public float[] values(int layer) {
        return buffers[layers + (pool.layersShareRows() ? 0 : layer)];
    }

    @Override
    protected KvCache copy() {
        return new KvCache(this);
    }

    /** Nothing to clear: the rows past the length are free to overwrite. */
    @Override
    protected void clear() {
    }

    /** The buffers go back to the pool for the next cache. */
    @Override
    protected void release() {
        pool.give(buffers);
        buffers = new float[0][];
    }

    private int capacity() {
        return buffers.length == 0 ? 0 : buffers[0].length;
    }

    /** Floats per array for {@code rows} rows: the rows rounded up to a multiple of {@link #GROWTH_ROWS}. */
    private int capacity(int rows) {
        long rounded = (Math.max(rows, 1) + GROWTH_ROWS - 1L) / GROWTH_ROWS * GROWTH_ROWS;
        return Math.toIntExact(rounded * rowWidth);
    }
}
