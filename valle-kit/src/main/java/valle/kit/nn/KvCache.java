package valle.kit.nn;

import java.util.Arrays;
import valle.api.Experimental;

/**
 * Keys (after RoPE) and values of every layer for the rows consumed so far, token-major
 * {@code [rows, kvHeads, headDim]} in float arrays that an attention kernel reads in place; capacity grows by
 * doubling. A pass {@link #reserve}s room for its rows, writes them after {@link #length()} and
 * {@link #advance}s.
 */
@Experimental("shared by the Java transformer backbones since the kit was made")
public final class KvCache extends OwnedState<KvCache> {
    private final int rowWidth;
    private float[][] keys;
    private float[][] values;

    /**
     * An empty cache of {@code owner}'s for {@code layers} layers of rows {@code rowWidth} wide.
     *
     * @param name what the cache is, for error messages ("llama KV cache")
     */
    public KvCache(Object owner, String name, int layers, int rowWidth) {
        super(owner, name);
        this.rowWidth = rowWidth;
        this.keys = new float[layers][0];
        this.values = new float[layers][0];
    }

    private KvCache(KvCache from) {
        super(from);
        this.rowWidth = from.rowWidth;
        this.keys = new float[from.keys.length][];
        this.values = new float[from.values.length][];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(from.keys[l], from.length() * rowWidth);
            values[l] = Arrays.copyOf(from.values[l], from.length() * rowWidth);
        }
    }

    /** Makes room for {@code extra} more rows in every layer. */
    public void reserve(int extra) {
        ensureOpen();
        int needed = (length() + extra) * rowWidth;
        if (keys.length > 0 && keys[0].length >= needed) {
            return;
        }
        int capacity = Math.max(needed, Math.max(16 * rowWidth, keys.length > 0 ? keys[0].length * 2 : 0));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], capacity);
            values[l] = Arrays.copyOf(values[l], capacity);
        }
    }

    /** The layer's keys: row {@code t} at {@code t · rowWidth}; rows from {@link #length()} on are free. */
    public float[] keys(int layer) {
        return keys[layer];
    }

    /** The layer's values, laid out as its {@link #keys}. */
    public float[] values(int layer) {
        return values[layer];
    }

    @Override
    protected KvCache copy() {
        return new KvCache(this);
    }

    /** Nothing to clear: the rows past the length are free to overwrite. */
    @Override
    protected void clear() {
    }

    @Override
    protected void release() {
        keys = new float[0][];
        values = new float[0][];
    }
}
