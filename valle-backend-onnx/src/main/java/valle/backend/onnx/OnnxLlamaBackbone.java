package valle.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
import valle.kit.nn.BackboneInputs;
import valle.kit.nn.LlamaShape;
import valle.kit.nn.Rope;
import valle.kit.nn.StatefulBackbone;

/**
 * A Llama stack run by ONNX Runtime: the {@link LlamaGraph#buildCached cached-pass llama graph} in one session,
 * which reads the {@link OnnxKvCache}'s buffers in place instead of copying the whole cache into a new one every
 * step, and serves first passes too, over an empty past. In float32 it takes {@link #BATCHED_SEQUENCES}
 * sequences a run, their rows stacked for the linear layers and attention per sequence (a batched pass's
 * sequences read the weights once, each with its own pass's bits). The weights are widened to float32 (or the linear layers
 * quantised to int8 or int4) into off-heap memory ({@link OnnxWeights}) only to be handed to the session
 * ({@code addExternalInitializers}): ONNX Runtime copies them into its own memory (and packs the linear ones), so
 * they are freed as soon as the session is made, and the process holds one copy of the weights, the session's.
 * (Two sessions, one per graph, held two copies beside the loaded one: at the published size in f32, 2.4 GB.)
 * With quantised weights, whose copies are a quarter of that or less, first passes keep a session of their own
 * over the {@link LlamaGraph#build first-pass graph}, whose fused attention weighs more beside the integer
 * products (int8 NAR passes some 20-50 % slower without it, side by side under load).
 * That is why nothing is cached on disk: at the published size a graph (about 60 KB) is built in milliseconds,
 * while opening costs about 0.3 s of widening and 1-2.5 s of ORT's set-up (optimisation and weight pre-packing,
 * which live in memory and are redone by any load), and hashing the 0.9 GB checkpoint to key a cache would cost
 * 2.5 s (sha256sum on the same machine): a cache keyed by the checkpoint's hash would make every start slower.
 */
final class OnnxLlamaBackbone extends StatefulBackbone<OnnxKvCache> {
    /**
     * Sequences the graph takes in one run (the default {@code --slots}); a batched pass of more runs them in
     * groups of this many, a single pass leaves the others vacant (a row of zeros each, see {@link #run}).
     */
    static final int BATCHED_SEQUENCES = 4;
    private final OrtEnvironment env;
    private final OrtSession session;
    /** The first-pass graph's session; null in float32, where {@link #session} runs first passes too. */
    private final OrtSession firstSession;
    /** The past of a first pass: {@code [kvHeads, 0, headDim]}, fed for every layer. */
    private final OnnxTensor emptyPast;
    private final Rope rope;
    /** Sequences one run of the graph takes ({@link LlamaGraph#buildCached(BackboneConfig, WeightFormat, int)}). */
    private final int sequences;

    private OnnxLlamaBackbone(BackboneConfig config, OrtEnvironment env, OrtSession session, OrtSession firstSession,
            OnnxTensor emptyPast, int sequences) {
        super(config, OnnxKvCache.class, "llama backbone on onnx");
        this.sequences = sequences;
        this.env = env;
        this.session = session;
        this.firstSession = firstSession;
        this.emptyPast = emptyPast;
        this.rope = new Rope(config.headDim(), config.ropeTheta());
    }

    /**
     * Binds the weights (checking every shape), the linear layers in {@code format} ({@code F32}, {@code INT8} or
     * {@code INT4}), and makes the session with {@code threads} threads; the loaded weights are freed once it holds
     * its own.
     *
     * @throws ModelFormatException naming the tensor when one is missing or has another shape
     */
    static OnnxLlamaBackbone open(BackboneConfig config, Weights w, WeightFormat format, int threads) {
        LlamaShape.refuseMoreLayers(config, w);
        OrtEnvironment env = OrtRuntime.environment();
        OrtSession session = null;
        OrtSession firstSession = null;
        try {
            int sequences = sequencesPerRun(format);
            try (OnnxWeights weights = OnnxWeights.load(env, config, w, format)) {
                // quantised weights: this session runs only the passes over a cache (the decode steps), whose many
                // short operators a brief spin of the pool threads serves better than sleeping between them
                // (OrtRuntime.DECODE_SPIN_MICROS); first passes keep their own, sleeping session
                session = OrtRuntime.session(env, LlamaGraph.buildCached(config, format, sequences), weights.tensors(),
                        threads, format == WeightFormat.F32 ? 0 : OrtRuntime.DECODE_SPIN_MICROS);
                if (format != WeightFormat.F32) {
                    firstSession = OrtRuntime.session(env, LlamaGraph.build(config, format), weights.tensors(), threads);
                }
            }
            OnnxTensor emptyPast = OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                    new long[] {config.kvHeads(), 0, config.headDim()});
            return new OnnxLlamaBackbone(config, env, session, firstSession, emptyPast, sequences);
        } catch (OrtException e) {
            closeAll(session, firstSession);
            throw new ValleException("ONNX Runtime refused the llama graph: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(session, firstSession);
            throw e;
        }
    }

    /**
     * Sequences one run of the graph takes in {@code format}: {@link #BATCHED_SEQUENCES} in float32, whose
     * pre-packed {@code Gemm} sums each row alike whatever rows are stacked with it; else 1, a batched pass
     * running one sequence after the other: int8's {@code DynamicQuantizeMatMul} quantises the stacked
     * activations with one scale, and int4's {@code MatMulNBits} gave a row other bits among 7 rows than among 4
     * ({@code OnnxLlamaInt4BackboneTest} pins that this fallback keeps each sequence's bits).
     */
    static int sequencesPerRun(WeightFormat format) {
        return format == WeightFormat.F32 ? BATCHED_SEQUENCES : 1;
    }

    @Override
    public OnnxKvCache newState() {
        return new OnnxKvCache(this, config().layers(), config().kvHeads(), config().headDim());
    }

    /**
     * Runs the rows through the graph after the cache's rows (none for an empty one, whose past is fed as
     * {@code [kvHeads, 0, headDim]}), as the graph's first sequence; the layer outputs are fetched only for a
     * watching probe. {@code keep}: the new keys and values go into the cache (a throw-away full pass fetches
     * none of them).
     */
    @Override
    protected float[] pass(OnnxKvCache cache, BackboneInput input, BackboneProbe probe, boolean keep) {
        if (firstSession != null && cache.length() == 0) {
            return firstPass(cache, input, probe, keep);
        }
        return run(List.of(cache), List.of(input), probe, keep).getFirst();
    }

    /**
     * A first pass of quantised weights through {@link #firstSession}, over an empty past; it returns the keys
     * and values of all rows as {@code present.*}.
     */
    private float[] firstPass(OnnxKvCache cache, BackboneInput input, BackboneProbe probe, boolean keep) {
        int d = config().hiddenSize();
        int rows = input.rows();
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            int half = rope.half();
            Rope.Tables rotation = rope.tables(input.positions());
            feeds.put(LlamaGraph.EMBEDDINGS, tensor(input.embeddings(), rows, d));
            feeds.put(LlamaGraph.COS, tensor(rotation.cos(), rows, half));
            feeds.put(LlamaGraph.SIN, tensor(rotation.sin(), rows, half));
            feeds.put(LlamaGraph.MASK, tensor(cachedMask(input.mask(), 0, 0, rows), rows, rows));
            Map<String, OnnxTensorLike> graphInputs = new HashMap<>(feeds);
            Set<String> outputs = new HashSet<>();
            outputs.add(LlamaGraph.HIDDEN);
            for (int l = 0; l < config().layers(); l++) {
                graphInputs.put(LlamaGraph.pastKey(l), emptyPast);
                graphInputs.put(LlamaGraph.pastValue(l), emptyPast);
                if (keep) {
                    outputs.add(LlamaGraph.presentKey(l));
                    outputs.add(LlamaGraph.presentValue(l));
                }
                if (probe != UNWATCHED) {
                    outputs.add(LlamaGraph.layerOutput(l));
                }
            }
            try (OrtSession.Result result = firstSession.run(graphInputs, outputs)) {
                float[] hidden = new float[rows * d];
                ((OnnxTensor) result.get(LlamaGraph.HIDDEN).orElseThrow()).getFloatBuffer().get(hidden);
                reportLayers(result, rows, probe);
                if (keep) {
                    cache.takePresent(result, rows);
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
     * The sequences, up to {@link #sequences} at a time, each through its own graph sequence: their rows stacked
     * for the linear layers (which read the weights once for all of them), attention per sequence against its
     * own cache, on exactly the shapes of its own pass, so each gets the bits of its own pass.
     */
    @Override
    protected List<float[]> passes(List<OnnxKvCache> states, List<BackboneInput> inputs) {
        if (sequences == 1) {
            return super.passes(states, inputs);
        }
        List<float[]> out = new ArrayList<>(states.size());
        for (int from = 0; from < states.size(); from += sequences) {
            int to = Math.min(states.size(), from + sequences);
            out.addAll(run(states.subList(from, to), inputs.subList(from, to), UNWATCHED, true));
        }
        return out;
    }

    /**
     * Several full passes (CFG's two, the NAR passes of several requests), up to {@link #sequences} per run as in
     * {@link #passes}, each through a fresh state closed after it; an input without rows gets none back.
     */
    @Override
    public List<float[]> forward(List<BackboneInput> batch) {
        ensureOpen();
        if (sequences == 1) {
            // one sequence a run: each full pass on its own, quantised ones through the first-pass session
            return super.forward(batch);
        }
        List<OnnxKvCache> scratch = new ArrayList<>();
        try {
            List<BackboneInput> withRows = new ArrayList<>();
            for (BackboneInput input : batch) {
                BackboneInputs.requireWidth(input, config().hiddenSize());
                if (input.rows() > 0) {
                    withRows.add(input);
                    scratch.add(newState());
                }
            }
            List<float[]> done = new ArrayList<>(withRows.size());
            for (int from = 0; from < withRows.size(); from += sequences) {
                int to = Math.min(withRows.size(), from + sequences);
                done.addAll(run(scratch.subList(from, to), withRows.subList(from, to), UNWATCHED, false));
            }
            List<float[]> out = new ArrayList<>(batch.size());
            for (int i = 0, next = 0; i < batch.size(); i++) {
                out.add(batch.get(i).rows() > 0 ? done.get(next++) : new float[0]);
            }
            return out;
        } finally {
            scratch.forEach(OnnxKvCache::close);
        }
    }

    /**
     * One run of the graph over up to {@link #sequences} caches; the rest of its sequences are vacant, each one
     * row of zeros over no past stacked after the others' rows, its outputs dropped.
     */
    private List<float[]> run(List<OnnxKvCache> caches, List<BackboneInput> inputs, BackboneProbe probe, boolean keep) {
        int d = config().hiddenSize();
        int half = rope.half();
        int n = caches.size();
        int total = inputs.stream().mapToInt(BackboneInput::rows).sum() + (sequences - n);
        float[] embeddings = new float[total * d];
        float[] cos = new float[total * half];
        float[] sin = new float[total * half];
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (int s = 0, row = 0; s < sequences; s++) {
                if (s >= n) {
                    // a vacant sequence: one row of zeros (cos 1, sin 0) over no past, since ONNX Runtime's
                    // kernels fail (SIGFPE) on a sequence without rows
                    java.util.Arrays.fill(cos, row * half, (row + 1) * half, 1f);
                    feeds.put(LlamaGraph.ofSequence(s, LlamaGraph.MASK), tensor(new float[1], 1, 1));
                    row++;
                    continue;
                }
                BackboneInput input = inputs.get(s);
                int rows = input.rows();
                Rope.Tables rotation = rope.tables(input.positions());
                System.arraycopy(input.embeddings(), 0, embeddings, row * d, rows * d);
                System.arraycopy(rotation.cos(), 0, cos, row * half, rows * half);
                System.arraycopy(rotation.sin(), 0, sin, row * half, rows * half);
                OnnxKvCache cache = caches.get(s);
                int past = cache.length();
                int capacity = past > 0 ? cache.capacity() : 0;
                feeds.put(LlamaGraph.ofSequence(s, LlamaGraph.MASK),
                        tensor(cachedMask(input.mask(), past, capacity, rows), rows, capacity + rows));
                row += rows;
            }
            feeds.put(LlamaGraph.EMBEDDINGS, tensor(embeddings, total, d));
            feeds.put(LlamaGraph.COS, tensor(cos, total, half));
            feeds.put(LlamaGraph.SIN, tensor(sin, total, half));
            Map<String, OnnxTensorLike> graphInputs = new HashMap<>(feeds);
            Set<String> outputs = new HashSet<>();
            outputs.add(LlamaGraph.HIDDEN);
            for (int l = 0; l < config().layers(); l++) {
                for (int s = 0; s < sequences; s++) {
                    boolean cached = s < n && caches.get(s).length() > 0;
                    graphInputs.put(LlamaGraph.ofSequence(s, LlamaGraph.pastKey(l)), cached ? caches.get(s).keys(l) : emptyPast);
                    graphInputs.put(LlamaGraph.ofSequence(s, LlamaGraph.pastValue(l)), cached ? caches.get(s).values(l) : emptyPast);
                    if (keep && s < n) {
                        outputs.add(LlamaGraph.ofSequence(s, LlamaGraph.newKey(l)));
                        outputs.add(LlamaGraph.ofSequence(s, LlamaGraph.newValue(l)));
                    }
                }
                if (probe != UNWATCHED) {
                    outputs.add(LlamaGraph.layerOutput(l));
                }
            }
            try (OrtSession.Result result = session.run(graphInputs, outputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(LlamaGraph.HIDDEN).orElseThrow()).getFloatBuffer();
                List<float[]> out = new ArrayList<>(n);
                for (int s = 0; s < n; s++) {
                    float[] rows = new float[inputs.get(s).rows() * d];
                    hidden.get(rows);
                    out.add(rows);
                }
                // the sequences' rows, without the vacant ones stacked after them
                reportLayers(result, total - (sequences - n), probe);
                if (keep) {
                    for (int s = 0; s < n; s++) {
                        caches.get(s).takeNew(result, s, inputs.get(s).rows());
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new ValleException("ONNX Runtime failed a llama pass: " + e.getMessage(), e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** Hands a watching probe the first {@code rows} rows of each layer's output (fetched only for one). */
    private void reportLayers(OrtSession.Result result, int rows, BackboneProbe probe) throws OrtException {
        if (probe == UNWATCHED) {
            return;
        }
        for (int l = 0; l < config().layers(); l++) {
            float[] layer = new float[rows * config().hiddenSize()];
            ((OnnxTensor) result.get(LlamaGraph.layerOutput(l)).orElseThrow()).getFloatBuffer().get(layer);
            probe.layerOutput(l, layer, rows);
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
        closeAll(session, firstSession);
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
