package valle.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import valle.api.ValleException;
import valle.api.arch.BackboneState;

/**
 * Every layer's keys (after RoPE) and values for the rows consumed so far, {@code [kvHeads, rows, headDim]},
 * held as the ORT tensors the last pass returned (its {@code present.*} outputs), which the next cached pass
 * takes as its past without a copy.
 */
final class OnnxKvCache implements BackboneState {
    final OnnxLlamaBackbone owner;
    private final int layers;
    /** What owns the tensors below: the last pass's result, or this cache's own copies after a fork. */
    private AutoCloseable holder;
    private OnnxTensor[] keys;
    private OnnxTensor[] values;
    private int length;
    private boolean closed;

    OnnxKvCache(OnnxLlamaBackbone owner, int layers) {
        this.owner = owner;
        this.layers = layers;
    }

    @Override
    public int length() {
        return length;
    }

    OnnxTensor keys(int layer) {
        return keys[layer];
    }

    OnnxTensor values(int layer) {
        return values[layer];
    }

    /** Takes the {@code present.*} outputs of a pass that consumed {@code rows} more rows; releases the old ones. */
    void take(OrtSession.Result result, int rows) {
        ensureOpen();
        OnnxTensor[] k = new OnnxTensor[layers];
        OnnxTensor[] v = new OnnxTensor[layers];
        for (int l = 0; l < layers; l++) {
            k[l] = (OnnxTensor) result.get(LlamaGraph.presentKey(l)).orElseThrow();
            v[l] = (OnnxTensor) result.get(LlamaGraph.presentValue(l)).orElseThrow();
        }
        release();
        holder = result;
        keys = k;
        values = v;
        length += rows;
    }

    @Override
    public OnnxKvCache fork() {
        ensureOpen();
        OnnxKvCache copy = new OnnxKvCache(owner, layers);
        copy.length = length;
        if (keys == null) {
            return copy;
        }
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            copy.keys = new OnnxTensor[layers];
            copy.values = new OnnxTensor[layers];
            for (int l = 0; l < layers; l++) {
                copy.keys[l] = copyOf(keys[l]);
                owned.add(copy.keys[l]);
                copy.values[l] = copyOf(values[l]);
                owned.add(copy.values[l]);
            }
        } catch (OrtException e) {
            owned.forEach(OnnxTensor::close);
            throw new ValleException("ONNX Runtime failed to copy a KV cache: " + e.getMessage(), e);
        }
        copy.holder = () -> owned.forEach(OnnxTensor::close);
        return copy;
    }

    private OnnxTensor copyOf(OnnxTensor t) throws OrtException {
        // getFloatBuffer returns a copy of the tensor's data
        java.nio.FloatBuffer data = t.getFloatBuffer();
        float[] values = new float[data.remaining()];
        data.get(values);
        return owner.tensor(values, t.getInfo().getShape());
    }

    @Override
    public void reset() {
        ensureOpen();
        release();
        length = 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    private void release() {
        if (holder != null) {
            try {
                holder.close();
            } catch (Exception e) {
                throw new ValleException("ONNX Runtime failed to release a KV cache: " + e.getMessage(), e);
            }
        }
        holder = null;
        keys = null;
        values = null;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this llama KV cache on onnx is closed");
        }
    }
}
