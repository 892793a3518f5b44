package valle.arch.mixtral;

import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;
import valle.kit.nn.Activation;
import valle.kit.nn.KvCache;
import valle.kit.nn.KvCachePool;
import valle.kit.nn.RmsNorm;
import valle.kit.nn.Rope;
import valle.kit.nn.StatefulBackbone;
import valle.kit.thread.KernelPool;

/**
 * HF {@code MixtralModel} as the reference runs it (without {@code embed_tokens}): per block
 * {@code h = x + o(attn(rms1(x)))} with grouped-query attention under a causal sliding-window mask, then
 * {@code out = h + moe(rms2(h))}, then the final RMSNorm (eps from the config: Mixtral's 1e-5).
 *
 * <p>The mask is causal for every pass, whatever {@link BackboneInput#mask()} asks: the reference hands
 * Mixtral its {@code is_causal} list, which HF's Mixtral ignores, so NAR passes are causal too. Every pass
 * goes through a {@link KvCache}; a full pass is a prefill into a throw-away cache.
 */
final class MixtralBackbone extends StatefulBackbone<KvCache> {
    private final MixtralWeights weights;
    private final AttentionKernel attention;
    private final SparseMoe[] moe;
    private final Rope rope;
    private final int window;
    private final KernelPool pool;
    /** The closed caches' buffers, reused by the next requests' caches: a bounded set, whatever their number. */
    private final KvCachePool cachePool;

    MixtralBackbone(BackboneConfig config, MixtralWeights weights, AttentionKernel attention, int expertsPerToken,
                    int window) {
        super(config, KvCache.class, "mixtral backbone");
        this.weights = weights;
        this.attention = attention;
        this.window = window;
        this.rope = new Rope(config.headDim(), config.ropeTheta());
        Activation activation = Activation.named(config.activation()).orElseThrow();
        this.moe = new SparseMoe[config.layers()];
        for (int l = 0; l < moe.length; l++) {
            MixtralWeights.Layer layer = weights.layers().get(l);
            moe[l] = new SparseMoe(new Router(layer.gate(), expertsPerToken), layer.experts(), activation);
        }
        this.pool = KernelPool.configured("valle-mixtral");
        this.cachePool = new KvCachePool(config.layers(), config.kvHeads() * config.headDim(), KvCachePool.DEFAULT_KEPT);
    }

    /**
     * Rows that fell out of the sliding window stay stored in the cache (the attention mask hides them); a decode
     * past the window is rare enough not to trim for.
     */
    @Override
    public KvCache newState() {
        return cachePool.newCache(this, "mixtral KV cache");
    }

    @Override
    protected float[] pass(KvCache cache, BackboneInput input, BackboneProbe probe, boolean keep) {
        int d = config().hiddenSize();
        int rows = input.rows();
        int past = cache.length();
        cache.reserve(rows);
        float[] x = input.embeddings().clone();
        float[] normed = new float[rows * d];
        for (int l = 0; l < config().layers(); l++) {
            MixtralWeights.Layer layer = weights.layers().get(l);
            RmsNorm.apply(x, layer.attentionNorm(), rows, d, config().normEps(), normed);
            attentionBlock(layer, l, normed, rows, input.positions(), cache, past, x);
            RmsNorm.apply(x, layer.moeNorm(), rows, d, config().normEps(), normed);
            float[] experts = new float[rows * d];
            Routing routing = moe[l].apply(normed, rows, experts, pool);
            addInPlace(x, experts);
            probe.routing(l, rows, routing.experts(), routing.logits(), routing.chosen(), routing.weights());
            probe.layerOutput(l, x, rows);
        }
        cache.advance(rows);
        float[] out = new float[rows * d];
        RmsNorm.apply(x, weights.finalNorm(), rows, d, config().normEps(), out);
        return out;
    }

    /** Adds the attention output of {@code normed} to the residual stream {@code x}; appends k, v to the cache. */
    private void attentionBlock(MixtralWeights.Layer layer, int index, float[] normed, int rows, int[] positions,
                                KvCache cache, int past, float[] x) {
        int heads = config().heads();
        int kvHeads = config().kvHeads();
        int hd = config().headDim();
        int kvWidth = kvHeads * hd;
        float[] q = new float[rows * heads * hd];
        float[] k = new float[rows * kvWidth];
        float[] v = new float[rows * kvWidth];
        layer.q().multiply(normed, rows, q, pool);
        layer.k().multiply(normed, rows, k, pool);
        layer.v().multiply(normed, rows, v, pool);
        rope.apply(q, 0, rows, heads, positions);
        rope.apply(k, 0, rows, kvHeads, positions);
        System.arraycopy(k, 0, cache.keys(index), past * kvWidth, rows * kvWidth);
        System.arraycopy(v, 0, cache.values(index), past * kvWidth, rows * kvWidth);
        AttentionProblem problem = AttentionProblem.of(q, cache.keys(index), cache.values(index), rows,
                past + rows, heads, kvHeads, hd, new AttentionMask.SlidingWindow(past, window));
        float[] attended = new float[rows * heads * hd];
        attention.attend(problem, attended, null);
        float[] projected = new float[rows * config().hiddenSize()];
        layer.o().multiply(attended, rows, projected, pool);
        addInPlace(x, projected);
    }

    private static void addInPlace(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    /** The backbone's own threads stop and its packed weights are freed (a later pass is refused). */
    @Override
    protected void release() {
        cachePool.clear();
        pool.close();
        weights.memory().close();
    }
}
