package valle.kit.nn;

import valle.api.Experimental;

/**
 * Keys (after RoPE) and values of every layer for the rows consumed so far, token-major
 * {@code [rows, kvHeads, headDim]} in float arrays that an attention kernel reads in place; capacity grows by
 * doubling from what the first pass needs. A pass {@link #reserve}s room for its rows, writes them after
 * {@link #length()} and {@link #advance}s. The arrays come from a {@link KvCachePool} and go back to it when the
 * cache grows past them or is closed.
 */
@Experimental("shared by the Java transformer backbones since the kit was made")
public final class KvCache extends OwnedState<KvCache> {
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
        this.buffers = used == 0 ? new float[2 * layers][0] : pool.take(capacity(from.capacity(), used));
        for (int i = 0; i < buffers.length; i++) {
            System.arraycopy(from.buffers[i], 0, buffers[i], 0, used);
        }
    }

    /** Makes room for {@code extra} more rows in every layer. */
    public void reserve(int extra) {
        ensureOpen();
        int needed = (length() + extra) * rowWidth;
        int have = capacity();
        if (have >= needed) {
            return;
        }
        float[][] grown = pool.take(capacity(have * 2, needed));
        int used = length() * rowWidth;
        for (int i = 0; i < buffers.length; i++) {
            System.arraycopy(buffers[i], 0, grown[i], 0, used);
        }
        pool.give(buffers);
        buffers = grown;
    }

    /** The layer's keys: row {@code t} at {@code t · rowWidth}; rows from {@link #length()} on are free. */
    public float[] keys(int layer) {
        return buffers[layer];
    }

    /** The layer's values, laid out as its {@link #keys}. */
    public float[] values(int layer) {
        return buffers[layers + layer];
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

    /** At least {@code needed} floats, at least {@code wanted} (doubling), at least 16 rows. */
    private int capacity(int wanted, int needed) {
        return Math.max(needed, Math.max(wanted, 16 * rowWidth));
    }
}
