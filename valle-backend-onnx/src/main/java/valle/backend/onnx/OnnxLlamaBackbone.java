package valle.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import valle.api.ModelFormatException;
import valle.api.ValleException;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.MaskMode;
import valle.api.tensor.WeightFormat;
import valle.api.tensor.Weights;
import valle.kit.nn.LlamaShape;
import valle.kit.nn.Rope;
import valle.kit.nn.StatefulBackbone;

/**
 * A Llama stack run by ONNX Runtime: the {@link LlamaGraph#buildCached cached-pass llama graph} in a session
 * that reads the {@link OnnxKvCache}'s buffers in place instead of copying the whole cache into a new one every
 * step. The weights are widened to float32 (or the linear layers quantised to int8 or int4) into off-heap memory
 * ({@link OnnxWeights}) only to be handed to the sessions ({@code addExternalInitializers}): ONNX Runtime copies
 * them into memory of its own (and packs the linear ones), so they are freed as soon as the sessions are made.
 * Each session holds a copy, so in float32 the cached-pass session also runs first passes, over an empty past:
 * one copy of the weights in the process (a first-pass session beside it held 0.9 GB more at the published
 * size). With quantised weights, whose copies are a quarter of that or less, first passes keep a session of
 * their own over the {@link LlamaGraph#build first-pass graph}, whose fused attention weighs more beside the
 * integer products (int8 NAR passes some 20-50 % slower without it, side by side under load).
 * That is why nothing is cached on disk: at the published size a graph (about 60 KB) is built in milliseconds,
 * while opening costs about 0.3 s of widening and 1-2.5 s of ORT's set-up (optimisation and weight pre-packing,
 * which live in memory and are redone by any load), and hashing the 0.9 GB checkpoint to key a cache would cost
 * 2.5 s (sha256sum on the same machine): a cache keyed by the checkpoint's hash would make every start slower.
 */
final class OnnxLlamaBackbone extends StatefulBackbone<OnnxKvCache> {
    private final OrtEnvironment env;
    /** The first-pass graph's session; null in float32, where {@link #cachedSession} runs first passes too. */
    private final OrtSession firstSession;
    private final OrtSession cachedSession;
    /** The past of a first pass: {@code [kvHeads, 0, headDim]}, fed for every layer. */
    private final OnnxTensor emptyPast;
    private final Rope rope;

    private OnnxLlamaBackbone(BackboneConfig config, OrtEnvironment env, OrtSession firstSession,
                              OrtSession cachedSession, OnnxTensor emptyPast) {
        super(config, OnnxKvCache.class, "llama backbone on onnx");
        this.env = env;
        this.firstSession = firstSession;
        this.cachedSession = cachedSession;
        this.emptyPast = emptyPast;
        this.rope = new Rope(config.headDim(), config.ropeTheta());
    }

    /**
     * Binds the weights (checking every shape), the linear layers in {@code format} ({@code F32}, {@code INT8} or
     * {@code INT4}), and makes the sessions with {@code threads} threads; the loaded weights are freed once they
     * hold their own.
     *
     * @throws ModelFormatException naming the tensor when one is missing or has another shape
     */
    static OnnxLlamaBackbone open(BackboneConfig config, Weights w, WeightFormat format, int threads) {
        LlamaShape.refuseMoreLayers(config, w);
        OrtEnvironment env = OrtRuntime.environment();
        OrtSession firstSession = null;
        OrtSession cachedSession = null;
        try {
            try (OnnxWeights weights = OnnxWeights.load(env, config, w, format)) {
                cachedSession = OrtRuntime.session(env, LlamaGraph.buildCached(config, format), weights.tensors(), threads);
                if (format != WeightFormat.F32) {
                    firstSession = OrtRuntime.session(env, LlamaGraph.build(config, format), weights.tensors(), threads);
                }
            }
            OnnxTensor emptyPast = OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                    new long[] {config.kvHeads(), 0, config.headDim()});
            return new OnnxLlamaBackbone(config, env, firstSession, cachedSession, emptyPast);
        } catch (OrtException e) {
            closeAll(firstSession, cachedSession);
            throw new ValleException("ONNX Runtime refused the llama graph: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(firstSession, cachedSession);
            throw e;
        }
    }

    @Override
    public OnnxKvCache newState() {
        return new OnnxKvCache(this, config().layers(), config().kvHeads(), config().headDim());
    }

    /**
     * Runs the rows through the graph after the cache's rows (none for an empty one, whose past is fed as
     * {@code [kvHeads, 0, headDim]}); the layer outputs are
     * fetched only for a watching probe. {@code keep}: the new keys and values go into the cache (a throw-away full
     * pass fetches none of them).
     */
    @Override
    protected float[] pass(OnnxKvCache cache, BackboneInput input, BackboneProbe probe, boolean keep) {
        int d = config().hiddenSize();
        int rows = input.rows();
        int past = cache.length();
        boolean cached = past > 0;
        // the first-pass graph returns the keys and values of all rows as present.*, the cached one new.*
        boolean firstGraph = !cached && firstSession != null;
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            int half = rope.half();
            Rope.Tables rotation = rope.tables(input.positions());
            feeds.put(LlamaGraph.EMBEDDINGS, tensor(input.embeddings(), rows, d));
            feeds.put(LlamaGraph.COS, tensor(rotation.cos(), rows, half));
            feeds.put(LlamaGraph.SIN, tensor(rotation.sin(), rows, half));
            int capacity = cached ? cache.capacity() : 0;
            feeds.put(LlamaGraph.MASK, tensor(cachedMask(input.mask(), past, capacity, rows), rows, capacity + rows));
            Map<String, OnnxTensorLike> inputs = new HashMap<>(feeds);
            Set<String> outputs = new HashSet<>();
            outputs.add(LlamaGraph.HIDDEN);
            for (int l = 0; l < config().layers(); l++) {
                inputs.put(LlamaGraph.pastKey(l), cached ? cache.keys(l) : emptyPast);
                inputs.put(LlamaGraph.pastValue(l), cached ? cache.values(l) : emptyPast);
                if (keep) {
                    outputs.add(firstGraph ? LlamaGraph.presentKey(l) : LlamaGraph.newKey(l));
                    outputs.add(firstGraph ? LlamaGraph.presentValue(l) : LlamaGraph.newValue(l));
                }
                if (probe != UNWATCHED) {
                    outputs.add(LlamaGraph.layerOutput(l));
                }
            }
            try (OrtSession.Result result = (firstGraph ? firstSession : cachedSession).run(inputs, outputs)) {
                float[] hidden = new float[rows * d];
                ((OnnxTensor) result.get(LlamaGraph.HIDDEN).orElseThrow()).getFloatBuffer().get(hidden);
                if (probe != UNWATCHED) {
                    for (int l = 0; l < config().layers(); l++) {
                        float[] layer = new float[rows * d];
                        ((OnnxTensor) result.get(LlamaGraph.layerOutput(l)).orElseThrow()).getFloatBuffer().get(layer);
                        probe.layerOutput(l, layer, rows);
                    }
                }
                if (keep && firstGraph) {
                    cache.takePresent(result, rows);
                } else if (keep) {
                    cache.takeNew(result, rows);
                }
                return hidden;
            }
        } catch (OrtException e) {
            throw new ValleException("ONNX Runtime failed a llama pass: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * The mask of a pass, {@code [rows, capacity + rows]}: the {@code past} cached rows visible, the rest of the
     * capacity hidden, the new rows as {@code mode} has them (a first pass: no past, no capacity).
     */
    static float[] cachedMask(MaskMode mode, int past, int capacity, int rows) {
        int keys = capacity + rows;
        float[] out = new float[rows * keys];
        java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < rows; i++) {
            java.util.Arrays.fill(out, i * keys, i * keys + past, 0f);
            int visibleNew = mode == MaskMode.CAUSAL ? i + 1 : rows;
            java.util.Arrays.fill(out, i * keys + capacity, i * keys + capacity + visibleNew, 0f);
        }
        return out;
    }

    OrtEnvironment env() {
        return env;
    }

    OnnxTensor tensor(float[] values, long... dims) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims);
    }

    @Override
    protected void release() {
        emptyPast.close();
        closeAll(firstSession, cachedSession);
    }

    /** Closes the sessions made (each, even when one fails). */
    private static void closeAll(OrtSession... sessions) {
        OrtException failure = null;
        for (OrtSession session : sessions) {
            try {
                if (session != null) {
                    session.close();
                }
            } catch (OrtException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw new ValleException("ONNX Runtime failed to release a session: " + failure.getMessage(), failure);
        }
    }
}
