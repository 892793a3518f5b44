package valle.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.IntFunction;
import valle.api.ValleException;
import valle.kit.nn.OwnedState;

/**
 * Every layer's keys (after RoPE) and values for the rows consumed so far, head-major
 * {@code [kvHeads, capacity, headDim]} in direct buffers that the cached-pass graph reads in place (its
 * {@code past.*} inputs; rows from {@link #length()} on are hidden by the pass's mask). Each pass's {@code new.*}
 * rows are copied in; nothing else copies the cache.
 * Capacity grows in steps of {@link #GROWTH} rows (so up to {@code GROWTH - 1} spare rows are hidden). The buffers live in an {@link Arena} freed when the cache
 * grows or closes (direct buffers left to the garbage collector piled up across passes, and the JVM's
 * direct-memory limit then stalled allocations behind full collections).
 */
final class OnnxKvCache extends OwnedState<OnnxKvCache> {
    /** Rows added to the capacity when it runs out: few regrowths, little attention over hidden rows. */
    static final int GROWTH = 128;

    private final OrtEnvironment env;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private Arena arena;
    private FloatBuffer[] keys;
    private FloatBuffer[] values;
    private OnnxTensor[] keyTensors;
    private OnnxTensor[] valueTensors;
    private int capacity;

    OnnxKvCache(OnnxLlamaBackbone owner, int layers, int kvHeads, int headDim) {
        super(owner, "llama KV cache on onnx");
        this.env = owner.env();
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    /** A copy of {@code from}'s rows in buffers of its own. */
    private OnnxKvCache(OnnxKvCache from) {
        super(from);
        this.env = from.env;
        this.layers = from.layers;
        this.kvHeads = from.kvHeads;
        this.headDim = from.headDim;
        if (length() == 0) {
            return;
        }
        try {
            reserve(length());
        } catch (OrtException e) {
            throw new ValleException("ONNX Runtime failed to copy a KV cache: " + e.getMessage(), e);
        }
        for (int l = 0; l < layers; l++) {
            copyRows(from.keys[l], from.capacity, keys[l], capacity);
            copyRows(from.values[l], from.capacity, values[l], capacity);
        }
    }

    /** Rows the buffers hold, visible or not (the {@code C} of the cached graph). */
    int capacity() {
        return capacity;
    }

    OnnxTensor keys(int layer) {
        return keyTensors[layer];
    }

    OnnxTensor values(int layer) {
        return valueTensors[layer];
    }

    /** Takes a first-pass graph's {@code present.*} outputs ({@code rows} rows, the cache being empty). */
    void takePresent(OrtSession.Result result, int rows) throws OrtException {
        append(result, rows, LlamaGraph::presentKey, LlamaGraph::presentValue);
    }

    /** Appends the {@code new.*} rows of the pass's sequence {@code sequence} ({@link LlamaGraph#ofSequence}). */
    void takeNew(OrtSession.Result result, int sequence, int rows) throws OrtException {
        append(result, rows, l -> LlamaGraph.ofSequence(sequence, LlamaGraph.newKey(l)),
                l -> LlamaGraph.ofSequence(sequence, LlamaGraph.newValue(l)));
    }

    private void append(OrtSession.Result result, int rows, IntFunction<String> key, IntFunction<String> value)
            throws OrtException {
        reserve(length() + rows);
        for (int l = 0; l < layers; l++) {
            write(newRows(result, key.apply(l)), keys[l], rows);
            write(newRows(result, value.apply(l)), values[l], rows);
        }
        advance(rows);
    }

    private static FloatBuffer newRows(OrtSession.Result result, String name) throws OrtException {
        return ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
    }

    /** Copies {@code rows} head-major rows {@code [kvHeads, rows, headDim]} to rows {@code length..} of {@code dst}. */
    private void write(FloatBuffer src, FloatBuffer dst, int rows) {
        int run = rows * headDim;
        for (int h = 0; h < kvHeads; h++) {
            dst.put((h * capacity + length()) * headDim, src, h * run, run);
        }
    }

    /** Makes the buffers hold at least {@code rows} rows, keeping the rows written so far. */
    private void reserve(int rows) throws OrtException {
        if (rows <= capacity) {
            return;
        }
        int grown = (rows + GROWTH - 1) / GROWTH * GROWTH;
        FloatBuffer[] k = new FloatBuffer[layers];
        FloatBuffer[] v = new FloatBuffer[layers];
        OnnxTensor[] kt = new OnnxTensor[layers];
        OnnxTensor[] vt = new OnnxTensor[layers];
        Arena grownArena = Arena.ofShared();
        try {
            for (int l = 0; l < layers; l++) {
                k[l] = buffer(grownArena, grown);
                v[l] = buffer(grownArena, grown);
                if (keys != null) {
                    copyRows(keys[l], capacity, k[l], grown);
                    copyRows(values[l], capacity, v[l], grown);
                }
                kt[l] = OnnxTensor.createTensor(env, k[l], new long[] {kvHeads, grown, headDim});
                vt[l] = OnnxTensor.createTensor(env, v[l], new long[] {kvHeads, grown, headDim});
            }
        } catch (OrtException | RuntimeException e) {
            closeAll(kt);
            closeAll(vt);
            grownArena.close();
            throw e;
        }
        closeTensors();
        arena = grownArena;
        keys = k;
        values = v;
        keyTensors = kt;
        valueTensors = vt;
        capacity = grown;
    }

    private FloatBuffer buffer(Arena in, int rows) {
        long bytes = Math.multiplyExact((long) kvHeads * rows * headDim, Float.BYTES);
        return in.allocate(bytes, 64).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * The first {@link #length} rows of each head from buffers of {@code fromCapacity} rows into ones of
     * {@code toCapacity}.
     */
    private void copyRows(FloatBuffer from, int fromCapacity, FloatBuffer to, int toCapacity) {
        for (int h = 0; h < kvHeads; h++) {
            to.put(h * toCapacity * headDim, from, h * fromCapacity * headDim, length() * headDim);
        }
    }

    @Override
    protected OnnxKvCache copy() {
        return new OnnxKvCache(this);
    }

    /** Nothing to clear: the rows past the length are hidden by the pass's mask and overwritten. */
    @Override
    protected void clear() {
    }

    @Override
    protected void release() {
        closeTensors();
        keys = null;
        values = null;
    }

    /** Closes the tensors over the buffers, then frees the buffers. */
    private void closeTensors() {
        if (keyTensors != null) {
            closeAll(keyTensors);
            closeAll(valueTensors);
            keyTensors = null;
            valueTensors = null;
        }
        if (arena != null) {
            arena.close();
            arena = null;
        }
    }

    private static void closeAll(OnnxTensor[] tensors) {
        for (OnnxTensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

}
