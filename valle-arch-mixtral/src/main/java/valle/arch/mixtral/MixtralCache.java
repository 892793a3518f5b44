package valle.arch.mixtral;

import java.util.Arrays;
import valle.api.arch.BackboneState;

/**
 * Keys (after RoPE) and values of every layer for the rows consumed so far, token-major
 * {@code [rows, kvHeads, headDim]}; capacity grows by doubling. Rows that fell out of the sliding window
 * stay stored (the attention mask hides them); a decode past the window is rare enough not to trim for.
 */
final class MixtralCache implements BackboneState {
    final MixtralBackbone owner;
    private final int rowWidth;
    private float[][] keys;
    private float[][] values;
    private int length;
    private boolean closed;

    MixtralCache(MixtralBackbone owner, int layers, int rowWidth) {
        this.owner = owner;
        this.rowWidth = rowWidth;
        this.keys = new float[layers][0];
        this.values = new float[layers][0];
    }

    private MixtralCache(MixtralCache from) {
        this.owner = from.owner;
        this.rowWidth = from.rowWidth;
        this.length = from.length;
        this.keys = new float[from.keys.length][];
        this.values = new float[from.values.length][];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(from.keys[l], from.length * rowWidth);
            values[l] = Arrays.copyOf(from.values[l], from.length * rowWidth);
        }
    }

    @Override
    public int length() {
        return length;
    }

    /** Makes room for {@code extra} more rows in every layer. */
    void reserve(int extra) {
        ensureOpen();
        int needed = (length + extra) * rowWidth;
        if (keys.length > 0 && keys[0].length >= needed) {
            return;
        }
        int capacity = Math.max(needed, Math.max(16 * rowWidth, keys.length > 0 ? keys[0].length * 2 : 0));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], capacity);
            values[l] = Arrays.copyOf(values[l], capacity);
        }
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /** Marks {@code rows} reserved rows as written. */
    void advance(int rows) {
        length += rows;
    }

    @Override
    public MixtralCache fork() {
        ensureOpen();
        return new MixtralCache(this);
    }

    @Override
    public void reset() {
        ensureOpen();
        length = 0;
    }

    @Override
    public void close() {
        closed = true;
        keys = new float[0][];
        values = new float[0][];
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this mixtral KV cache is closed");
        }
    }
}
