package valle.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import valle.kit.nn.OwnedState;

/**
 * Every layer's keys (after RoPE) and values for the rows consumed so far, {@code [rows, kvHeads, headDim]}, in
 * buffers with room for more rows, held by a manager of the cache's own (a child of the backbone's). A pass
 * writes its rows into the room in place and reads the filled rows as a view held by the pass's manager, so a
 * decode step neither copies the rows cached before it nor leaves anything behind in the cache when it ends.
 */
final class DjlKvCache extends OwnedState<DjlKvCache> {
    /** The buffers grow by whole blocks of rows, and at least double, so that a decode loop reallocates rarely. */
    static final int BLOCK_ROWS = 128;

    private final NDManager parent;
    private final NDManager manager;
    private final long kvHeads;
    private final long headDim;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int capacity;

    DjlKvCache(DjlLlamaBackbone owner, NDManager parent, int layers, int kvHeads, int headDim) {
        super(owner, "llama KV cache on djl");
        this.parent = parent;
        this.manager = parent.newSubManager();
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** A copy of {@code from}'s buffers, held by a manager of its own. */
    private DjlKvCache(DjlKvCache from) {
        super(from);
        this.parent = from.parent;
        this.manager = parent.newSubManager();
        this.kvHeads = from.kvHeads;
        this.headDim = from.headDim;
        this.keys = new NDArray[from.keys.length];
        this.values = new NDArray[from.values.length];
        this.capacity = from.capacity;
        for (int l = 0; l < keys.length; l++) {
            if (from.keys[l] != null) {
                keys[l] = from.keys[l].duplicate();
                keys[l].attach(manager);
                values[l] = from.values[l].duplicate();
                values[l].attach(manager);
            }
        }
    }

    /** Makes room for {@code rows} more rows in every layer's buffers, copying the filled rows when they grow. */
    void reserve(int rows) {
        ensureOpen();
        int needed = length() + rows;
        if (needed <= capacity) {
            return;
        }
        int grown = Math.max(2 * capacity, Math.ceilDiv(needed, BLOCK_ROWS) * BLOCK_ROWS);
        for (int l = 0; l < keys.length; l++) {
            keys[l] = grow(keys[l], grown);
            values[l] = grow(values[l], grown);
        }
        capacity = grown;
    }

    private NDArray grow(NDArray old, int rows) {
        NDArray bigger = manager.zeros(new Shape(rows, kvHeads, headDim));
        if (old != null) {
            if (length() > 0) {
                try (NDArray filled = old.get(filled())) {
                    bigger.set(filled(), filled);
                }
            }
            old.close();
        }
        return bigger;
    }

    /**
     * Writes this pass's keys and values {@code [rows, kvHeads, headDim]} after the filled rows of the layer, in
     * the room {@link #reserve} made for them.
     */
    void append(int layer, NDArray newKeys, NDArray newValues) {
        NDIndex fresh = new NDIndex("{}:{}", length(), length() + newKeys.getShape().get(0));
        keys[layer].set(fresh, newKeys);
        values[layer].set(fresh, newValues);
    }

    /** The layer's keys of the consumed rows and the {@code rows} just appended: a view held by {@code pass}. */
    NDArray keys(int layer, int rows, NDManager pass) {
        return keys[layer].get(pass, new NDIndex(":{}", length() + rows));
    }

    /** The layer's values, as {@link #keys}. */
    NDArray values(int layer, int rows, NDManager pass) {
        return values[layer].get(pass, new NDIndex(":{}", length() + rows));
    }

    private NDIndex filled() {
        return new NDIndex(":{}", length());
    }

    /** The arrays the cache's manager holds: two buffers a layer once a pass has run, however many rows. */
    int heldArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    protected DjlKvCache copy() {
        return new DjlKvCache(this);
    }

    /** Keeps the buffers for the next rows: only the rows below the length are ever read. */
    @Override
    protected void clear() {
    }

    @Override
    protected void release() {
        manager.close();
    }
}
