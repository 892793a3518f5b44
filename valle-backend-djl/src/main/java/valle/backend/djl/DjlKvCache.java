package valle.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import valle.api.arch.BackboneState;

/**
 * Every layer's keys (after RoPE) and values for the rows consumed so far, {@code [rows, kvHeads, headDim]},
 * as NDArrays held by a manager of the cache's own (a child of the backbone's), so a pass's scratch manager
 * can close without freeing them.
 */
final class DjlKvCache implements BackboneState {
    final DjlLlamaBackbone owner;
    private final NDManager parent;
    private NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;
    private boolean closed;

    DjlKvCache(DjlLlamaBackbone owner, NDManager parent, int layers) {
        this.owner = owner;
        this.parent = parent;
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    @Override
    public int length() {
        return length;
    }

    /**
     * The layer's keys (or values) with {@code rows} appended: the new array replaces the old one in the cache
     * (which frees it) and is returned for this pass's attention.
     */
    NDArray append(int layer, boolean key, NDArray rows) {
        ensureOpen();
        NDArray[] held = key ? keys : values;
        NDArray old = held[layer];
        NDArray all = old == null ? rows.duplicate() : old.concat(rows, 0);
        all.attach(manager);
        if (old != null) {
            old.close();
        }
        held[layer] = all;
        return all;
    }

    /** Counts the rows a pass appended to every layer. */
    void advance(int rows) {
        length += rows;
    }

    @Override
    public DjlKvCache fork() {
        ensureOpen();
        DjlKvCache copy = new DjlKvCache(owner, parent, keys.length);
        copy.length = length;
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                copy.keys[l] = keys[l].duplicate();
                copy.keys[l].attach(copy.manager);
                copy.values[l] = values[l].duplicate();
                copy.values[l].attach(copy.manager);
            }
        }
        return copy;
    }

    @Override
    public void reset() {
        ensureOpen();
        manager.close();
        manager = parent.newSubManager();
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
        length = 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this llama KV cache on djl is closed");
        }
    }
}
