package valle.arch.llama;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.MaskMode;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;
import valle.kit.matrix.GatedUnit;
import valle.kit.nn.Activation;
import valle.kit.nn.BackboneInputs;
import valle.kit.nn.KvCache;
import valle.kit.nn.KvCachePool;
import valle.kit.nn.RmsNorm;
import valle.kit.nn.Rope;
import valle.kit.nn.StatefulBackbone;
import valle.kit.thread.KernelPool;

/**
 * A pre-norm Llama stack (HF {@code LlamaModel} without {@code embed_tokens}):
 * {@code h = x + o(attn(rope(q), rope(k), v))} over {@code rms1(x)}, then
 * {@code y = h + down(act(gate(n)) ⊙ up(n))} with {@code n = rms2(h)}, then the final RMSNorm.
 *
 * <p>Every pass goes through {@link KvCache}s: a full-sequence pass is a prefill into a throw-away cache, so
 * cached decoding and full passes share one code path. Several sequences (CFG's conditional and null passes)
 * go through one pass together: their rows are stacked for every matrix product, so the weights are read
 * once for all of them, and only attention runs per sequence. The incremental steps of several requests
 * ({@link #passes}) go through the same stacked pass. The one-row inputs are stacked first and summed by the
 * matrix-vector kernel, the others after them by the matrix-matrix kernel, exactly as each would be alone, so a
 * sequence's hidden states do not depend on which others share its pass.
 */
final class LlamaBackbone extends StatefulBackbone<KvCache> {
    private final LlamaWeights weights;
    private final AttentionKernel attention;
    private final Activation activation;
    private final Rope rope;
    /** Splits the matrix products; lives as long as the backbone. */
    private final KernelPool pool;
    /** The closed caches' buffers, reused by the next requests' caches: a bounded set, whatever their number. */
    private final KvCachePool cachePool;
    /** The keys and values of full passes ({@link #newPassState}), one layer's at a time. */
    private final KvCachePool passPool;
    /**
     * The largest workspace a finished pass left behind, taken by the next pass: a NAR pass's activations are
     * some 60 MB, and allocating them anew each pass cost 40-180 ms of zeroing and collections. A pass that
     * finds none (another pass holds it) makes its own. The backbone keeps this memory until it is closed
     * (about 86 KB a row at the published size: some 90 MB after a stacked NAR-len pass).
     */
    private final AtomicReference<Workspace> spare = new AtomicReference<>();

    LlamaBackbone(BackboneConfig config, LlamaWeights weights, AttentionKernel attention, int threads) {
        super(config, KvCache.class, "llama backbone");
        this.weights = weights;
        this.attention = attention;
        this.activation = Activation.named(config.activation()).orElseThrow();
        this.rope = new Rope(config.headDim(), config.ropeTheta());
        this.pool = new KernelPool(threads, "valle-llama");
        this.cachePool = new KvCachePool(config.layers(), config.kvHeads() * config.headDim(), KvCachePool.DEFAULT_KEPT);
        this.passPool = KvCachePool.forPasses(config.kvHeads() * config.headDim(), KvCachePool.DEFAULT_KEPT);
    }

    /** The sequences' rows stacked through one pass over the weights; each sequence attends only to itself. */
    @Override
    public List<float[]> forward(List<BackboneInput> batch) {
        List<KvCache> caches = new ArrayList<>(batch.size());
        try {
            for (int i = 0; i < batch.size(); i++) {
                caches.add(newPassState());
            }
            return run(caches, batch, UNWATCHED);
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    @Override
    public KvCache newState() {
        return cachePool.newCache(this, "llama KV cache");
    }

    /** A layer's keys and values at a time: a full pass reads each layer's before the next layer writes its own. */
    @Override
    protected KvCache newPassState() {
        return passPool.newCache(this, "llama pass keys and values");
    }

    @Override
    protected float[] pass(KvCache cache, BackboneInput input, BackboneProbe probe, boolean keep) {
        return run(List.of(cache), List.of(input), probe).getFirst();
    }

    /** The pairs' rows stacked through one pass over the weights; each sequence attends to its own cache. */
    @Override
    protected List<float[]> passes(List<KvCache> states, List<BackboneInput> inputs) {
        return run(states, inputs, UNWATCHED);
    }

    /**
     * The sequences stacked one-row inputs first (see {@link valle.kit.matrix.PackedMatrix#multiplyStacked});
     * the results come back in the callers' order.
     */
    private List<float[]> run(List<KvCache> caches, List<BackboneInput> inputs, BackboneProbe probe) {
        ensureOpen();
        int n = inputs.size();
        Integer[] order = new Integer[n];
        for (int s = 0; s < n; s++) {
            order[s] = s;
        }
        // a stable sort: the one-row inputs first, each group in the callers' order
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(s -> inputs.get(s).rows() == 1 ? 0 : 1));
        List<KvCache> stackedCaches = new ArrayList<>(n);
        List<BackboneInput> stackedInputs = new ArrayList<>(n);
        for (int s : order) {
            stackedCaches.add(caches.get(s));
            stackedInputs.add(inputs.get(s));
        }
        List<float[]> stacked = runStacked(stackedCaches, stackedInputs, probe);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[order[i]] = stacked.get(i);
        }
        return java.util.Arrays.asList(out);
    }

    /** @param probe told of every layer's output (the stacked rows of all sequences) */
    private List<float[]> runStacked(List<KvCache> caches, List<BackboneInput> inputs, BackboneProbe probe) {
        int d = config().hiddenSize();
        int total = 0;
        int[] first = new int[inputs.size() + 1];
        for (int s = 0; s < inputs.size(); s++) {
            BackboneInput in = inputs.get(s);
            BackboneInputs.requireWidth(in, d);
            first[s] = total;
            total += in.rows();
        }
        first[inputs.size()] = total;
        int[] past = new int[inputs.size()];
        for (int s = 0; s < inputs.size(); s++) {
            past[s] = caches.get(s).length();
            caches.get(s).reserve(inputs.get(s).rows());
        }
        // a probe is handed the working buffers, which it may copy whole: those must be of the pass's size
        Workspace w = probe == UNWATCHED ? takeWorkspace(total) : new Workspace(config(), total);
        try {
            return pass(caches, inputs, probe, w, first, past);
        } finally {
            if (probe == UNWATCHED && !isClosed()) {
                spare.accumulateAndGet(w, (kept, done) -> kept == null || done.rows >= kept.rows ? done : kept);
                if (isClosed()) {
                    // closed while this pass ran: nothing may keep the workspace now
                    spare.set(null);
                }
            }
        }
    }

    private Workspace takeWorkspace(int rows) {
        Workspace w = spare.getAndSet(null);
        return w != null && w.rows >= rows ? w : new Workspace(config(), rows);
    }

    /**
     * The layers over the stacked rows ({@code first[s]} is sequence s's first row, {@code past[s]} its cached
     * rows; the sequences of one row come first).
     */
    private List<float[]> pass(List<KvCache> caches, List<BackboneInput> inputs, BackboneProbe probe, Workspace w,
                               int[] first, int[] past) {
        int d = config().hiddenSize();
        int total = first[inputs.size()];
        int singles = 0;
        while (singles < inputs.size() && inputs.get(singles).rows() == 1) {
            singles++;
        }
        for (int s = 0; s < inputs.size(); s++) {
            System.arraycopy(inputs.get(s).embeddings(), 0, w.x, first[s] * d, inputs.get(s).rows() * d);
        }
        List<LlamaWeights.Layer> layers = weights.layers();
        RmsNorm.apply(w.x, layers.getFirst().attentionNorm(), total, d, config().normEps(), w.normed);
        for (int l = 0; l < layers.size(); l++) {
            LlamaWeights.Layer layer = layers.get(l);
            attentionBlock(layer, l, w, singles, total, inputs, caches, first, past);
            // the residual add of the attention output is fused into the next norm
            RmsNorm.addAndApply(w.x, w.projected, layer.mlpNorm(), total, d, config().normEps(), w.normed);
            layer.gateUp().multiplyStacked(w.normed, singles, total, w.gateUp, pool);
            GatedUnit.apply(activation, w.gateUp, total, config().intermediateSize(), w.act, pool);
            layer.down().multiplyStacked(w.act, singles, total, w.projected, pool);
            float[] nextNorm = l + 1 < layers.size() ? layers.get(l + 1).attentionNorm() : weights.finalNorm();
            RmsNorm.addAndApply(w.x, w.projected, nextNorm, total, d, config().normEps(), w.normed);
            probe.layerOutput(l, w.x, total);
        }
        for (int s = 0; s < inputs.size(); s++) {
            caches.get(s).advance(inputs.get(s).rows());
        }
        List<float[]> out = new ArrayList<>(inputs.size());
        for (int s = 0; s < inputs.size(); s++) {
            out.add(java.util.Arrays.copyOfRange(w.normed, first[s] * d, first[s + 1] * d));
        }
        return out;
    }

    /** Adds the attention output of {@code w.normed} to the residual stream, appending k, v to the caches. */
    private void attentionBlock(LlamaWeights.Layer layer, int index, Workspace w, int singles, int total,
                                List<BackboneInput> inputs, List<KvCache> caches, int[] first, int[] past) {
        int heads = config().heads();
        int kvHeads = config().kvHeads();
        int hd = config().headDim();
        int d = heads * hd;
        int kvWidth = kvHeads * hd;
        int qkvWidth = d + 2 * kvWidth;
        layer.qkv().multiplyStacked(w.normed, singles, total, w.qkv, pool);
        for (int s = 0; s < inputs.size(); s++) {
            BackboneInput in = inputs.get(s);
            KvCache cache = caches.get(s);
            int rows = in.rows();
            int r0 = first[s];
            float[] keys = cache.keys(index);
            float[] values = cache.values(index);
            // split the stacked q|k|v rows: q into the workspace, k and v straight into the cache
            for (int r = 0; r < rows; r++) {
                int src = (r0 + r) * qkvWidth;
                System.arraycopy(w.qkv, src, w.q, r * d, d);
                System.arraycopy(w.qkv, src + d, keys, (past[s] + r) * kvWidth, kvWidth);
                System.arraycopy(w.qkv, src + d + kvWidth, values, (past[s] + r) * kvWidth, kvWidth);
            }
            rope.apply(w.q, 0, rows, heads, in.positions());
            rope.apply(keys, past[s] * kvWidth, rows, kvHeads, in.positions());
            AttentionMask mask = in.mask() == MaskMode.CAUSAL ? AttentionMask.causal(past[s]) : AttentionMask.none();
            AttentionProblem problem = AttentionProblem.of(w.q, keys, values, rows, past[s] + rows,
                    heads, kvHeads, hd, mask);
            attention.attend(problem, w.attended, null);
            System.arraycopy(w.attended, 0, w.attendedAll, r0 * d, rows * d);
        }
        layer.o().multiplyStacked(w.attendedAll, singles, total, w.projected, pool);
    }

    /** Drops the workspace, stops the threads, then frees the packed weights (the file stays the model's). */
    @Override
    protected void release() {
        spare.set(null);
        cachePool.clear();
        passPool.clear();
        pool.close();
        weights.memory().close();
    }

    /** The activations of a pass of up to {@code rows} rows, reused by every layer and by later passes. */
    private static final class Workspace {
        final int rows;
        final float[] x;
        final float[] normed;
        final float[] qkv;
        final float[] q;
        final float[] attended;
        final float[] attendedAll;
        final float[] projected;
        final float[] gateUp;
        final float[] act;

        Workspace(BackboneConfig c, int rows) {
            int d = c.hiddenSize();
            int kv = c.kvHeads() * c.headDim();
            this.rows = rows;
            x = new float[rows * d];
            normed = new float[rows * d];
            qkv = new float[rows * (d + 2 * kv)];
            q = new float[rows * d];
            attended = new float[rows * d];
            attendedAll = new float[rows * d];
            projected = new float[rows * d];
            gateUp = new float[rows * 2 * c.intermediateSize()];
            act = new float[rows * c.intermediateSize()];
        }
    }
}
