package valle.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import valle.api.ValleException;
import valle.api.codec.CodecWeights;
import valle.api.tensor.TensorView;

/**
 * One codec's graphs on ONNX Runtime: its sessions, and the tensors they read (the checkpoint's, and those
 * derived from them such as reordered LSTM gates), widened to float32 once, when the first graph that declares
 * them is made, and shared by every session. Thread-safe: calls run concurrently under a read lock, while making
 * a session and closing take the write lock, so a close waits for the calls in flight instead of freeing native
 * memory under them.
 */
final class CodecRuntime implements AutoCloseable {
    private final OrtEnvironment env = OrtRuntime.environment();
    private final CodecWeights weights;
    private final int threads;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, OnnxTensor> tensors = new HashMap<>();
    private final List<OrtSession> sessions = new ArrayList<>();
    private boolean closed;

    CodecRuntime(CodecWeights weights, int threads) {
        this.weights = weights;
        this.threads = threads;
    }

    /** A session of {@code graph}, closed with this runtime. */
    OrtSession session(SignalGraph.Built graph) {
        lock.writeLock().lock();
        try {
            ensureOpen();
            Map<String, OnnxTensor> declared = new HashMap<>();
            for (String name : graph.model().weights()) {
                OnnxTensor t = tensors.get(name);
                if (t == null) {
                    TensorView view = graph.derived().containsKey(name) ? graph.derived().get(name)
                            : weights.tensors().find(name).orElseThrow();
                    t = OrtRuntime.widened(env, view);
                    tensors.put(name, t);
                }
                declared.put(name, t);
            }
            OrtSession s = OrtRuntime.session(env, graph.model().bytes(), declared, threads);
            sessions.add(s);
            return s;
        } catch (OrtException e) {
            throw new ValleException("ONNX Runtime refused the " + weights.codec() + " graph: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The inputs of one call, made by the caller and closed after the call whatever happens. */
    final class Feeds {
        private final Map<String, OnnxTensor> made = new LinkedHashMap<>();

        void floats(String name, float[] values, long... dims) throws OrtException {
            made.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims));
        }

        void longs(String name, int[] values, long... dims) throws OrtException {
            long[] wide = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                wide[i] = values[i];
            }
            made.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(wide), dims));
        }
    }

    /** What a call needs to make its inputs. */
    @FunctionalInterface
    interface FeedMaker {
        void make(Feeds feeds) throws OrtException;
    }

    /** Runs {@code session} on the inputs {@code feeds} makes and copies out the float32 output {@code output}. */
    float[] runFloats(OrtSession session, FeedMaker feeds, String output) {
        float[][] out = new float[1][];
        run(session, feeds, output, t -> {
            FloatBuffer b = t.getFloatBuffer();
            out[0] = new float[b.remaining()];
            b.get(out[0]);
        });
        return out[0];
    }

    /** As {@link #runFloats} for an int64 output, narrowed to int. */
    int[] runInts(OrtSession session, FeedMaker feeds, String output) {
        int[][] out = new int[1][];
        run(session, feeds, output, t -> {
            LongBuffer b = t.getLongBuffer();
            out[0] = new int[b.remaining()];
            for (int i = 0; i < out[0].length; i++) {
                out[0][i] = Math.toIntExact(b.get());
            }
        });
        return out[0];
    }

    private void run(OrtSession session, FeedMaker maker, String output, Consumer<OnnxTensor> read) {
        lock.readLock().lock();
        Feeds feeds = new Feeds();
        try {
            ensureOpen();
            maker.make(feeds);
            try (OrtSession.Result result = session.run(feeds.made)) {
                read.accept((OnnxTensor) result.get(output).orElseThrow());
            }
        } catch (OrtException e) {
            throw new ValleException("ONNX Runtime failed a " + weights.codec() + " call: " + e.getMessage(), e);
        } finally {
            feeds.made.values().forEach(OnnxTensor::close);
            lock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this " + weights.codec() + " codec on onnx is closed");
        }
    }

    /** Waits for the calls in flight, then closes every session and the tensors they read; idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            ValleException failure = null;
            for (OrtSession s : sessions) {
                try {
                    s.close();
                } catch (OrtException e) {
                    if (failure == null) {
                        failure = new ValleException("ONNX Runtime failed to release a session: " + e.getMessage(), e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            tensors.values().forEach(OnnxTensor::close);
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
