package valle.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import valle.api.ValleException;
import valle.api.codec.CodecWeights;
import valle.api.tensor.TensorView;

/**
 * One codec's graphs on ONNX Runtime: its sessions, and the checkpoint tensors they read, widened to float32
 * once (when the first graph that declares them is made) and shared by every session. Thread-safe: sessions
 * are made under a lock, and ORT runs concurrent calls of one session.
 */
final class CodecRuntime implements AutoCloseable {
    private final OrtEnvironment env = OrtRuntime.environment();
    private final CodecWeights weights;
    private final int threads;
    private final Map<String, OnnxTensor> tensors = new HashMap<>();
    private final List<OrtSession> sessions = new ArrayList<>();
    private boolean closed;

    CodecRuntime(CodecWeights weights, int threads) {
        this.weights = weights;
        this.threads = threads;
    }

    /** A session of {@code model}, closed with this runtime. */
    synchronized OrtSession session(OnnxGraph.Model model) {
        if (closed) {
            throw new IllegalStateException("this " + weights.codec() + " codec on onnx is closed");
        }
        try {
            Map<String, OnnxTensor> declared = new HashMap<>();
            for (String name : model.weights()) {
                OnnxTensor t = tensors.get(name);
                if (t == null) {
                    TensorView view = weights.tensors().find(name).orElseThrow();
                    long[] dims = java.util.Arrays.stream(view.shape()).asLongStream().toArray();
                    t = OrtRuntime.widened(env, view, dims);
                    tensors.put(name, t);
                }
                declared.put(name, t);
            }
            OrtSession s = OrtRuntime.session(env, model.bytes(), declared, threads);
            sessions.add(s);
            return s;
        } catch (OrtException e) {
            throw new ValleException("ONNX Runtime refused the " + weights.codec() + " graph: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code session} on {@code inputs} (closed afterwards) and copies out the float32 output {@code output}.
     */
    float[] runFloats(OrtSession session, Map<String, OnnxTensor> inputs, String output) {
        try (OrtSession.Result result = session.run(inputs)) {
            FloatBuffer b = ((OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        } catch (OrtException e) {
            throw failed(e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** As {@link #runFloats} for an int64 output, narrowed to int. */
    int[] runInts(OrtSession session, Map<String, OnnxTensor> inputs, String output) {
        try (OrtSession.Result result = session.run(inputs)) {
            LongBuffer b = ((OnnxTensor) result.get(output).orElseThrow()).getLongBuffer();
            int[] out = new int[b.remaining()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.toIntExact(b.get());
            }
            return out;
        } catch (OrtException e) {
            throw failed(e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    OnnxTensor floats(float[] values, long... dims) {
        try {
            return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims);
        } catch (OrtException e) {
            throw failed(e);
        }
    }

    OnnxTensor longs(int[] values, long... dims) {
        long[] wide = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        try {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(wide), dims);
        } catch (OrtException e) {
            throw failed(e);
        }
    }

    private ValleException failed(OrtException e) {
        return new ValleException("ONNX Runtime failed a " + weights.codec() + " call: " + e.getMessage(), e);
    }

    /** Closes the sessions, then the weights they read; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (OrtSession s : sessions) {
                s.close();
            }
        } catch (OrtException e) {
            throw new ValleException("ONNX Runtime failed to release a session: " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }
}
