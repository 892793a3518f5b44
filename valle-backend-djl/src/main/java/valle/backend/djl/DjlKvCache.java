package valle.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import valle.kit.nn.OwnedState;

/**
 * Every layer's keys (after RoPE) and values for the rows consumed so far, {@code [rows, kvHeads, headDim]},
 * as NDArrays held by a manager of the cache's own (a child of the backbone's), so a pass's scratch manager
 * can close without freeing them.
 */
final class DjlKvCache extends OwnedState<DjlKvCache> {
    private final NDManager parent;
    private NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;

    DjlKvCache(DjlLlamaBackbone owner, NDManager parent, int layers) {
        super(owner, "llama KV cache on djl");
        this.parent = parent;
        this.manager = parent.newSubManager();
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** A copy of {@code from}'s arrays, held by a manager of its own. */
    private DjlKvCache(DjlKvCache from) {
        super(from);
        this.parent = from.parent;
        this.manager = parent.newSubManager();
        this.keys = new NDArray[from.keys.length];
        this.values = new NDArray[from.values.length];
        for (int l = 0; l < keys.length; l++) {
            if (from.keys[l] != null) {
                keys[l] = from.keys[l].duplicate();
                keys[l].attach(manager);
                values[l] = from.values[l].duplicate();
                values[l].attach(manager);
            }
        }
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

    @Override
    protected DjlKvCache copy() {
        return new DjlKvCache(this);
    }

    @Override
    protected void clear() {
        manager.close();
        manager = parent.newSubManager();
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
    }

    @Override
    protected void release() {
        manager.close();
    }
}
