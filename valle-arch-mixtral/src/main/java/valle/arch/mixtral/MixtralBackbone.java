package valle.arch.mixtral;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;
import valle.kit.thread.KernelPool;

/**
 * HF {@code MixtralModel} as the reference runs it (without {@code embed_tokens}): per block
 * {@code h = x + o(attn(rms1(x)))} with grouped-query attention under a causal sliding-window mask, then
 * {@code out = h + moe(rms2(h))}, then the final RMSNorm (eps from the config: Mixtral's 1e-5).
 *
 * <p>The mask is causal for every pass, whatever {@link BackboneInput#mask()} asks: the reference hands
 * Mixtral its {@code is_causal} list, which HF's Mixtral ignores, so NAR passes are causal too. Every pass
 * goes through a {@link MixtralCache}; a full pass is a prefill into a throw-away cache.
 */
final class MixtralBackbone implements Backbone {
    private final BackboneConfig config;
    private final MixtralWeights weights;
    private final AttentionKernel attention;
    private final SparseMoe[] moe;
    private final Rope rope;
    private final int window;
    private final KernelPool pool;
    private volatile boolean closed;

    MixtralBackbone(BackboneConfig config, MixtralWeights weights, AttentionKernel attention, int expertsPerToken,
                    int window) {
        this.config = config;
        this.weights = weights;
        this.attention = attention;
        this.window = window;
        this.rope = new Rope(config.headDim(), config.ropeTheta());
        Activation activation = Activation.find(config.activation());
        this.moe = new SparseMoe[config.layers()];
        for (int l = 0; l < moe.length; l++) {
            MixtralWeights.Layer layer = weights.layers().get(l);
            moe[l] = new SparseMoe(new Router(layer.gate(), expertsPerToken), layer.experts(), activation);
        }
        this.pool = KernelPool.configured("valle-mixtral");
    }

    @Override
    public BackboneConfig config() {
        return config;
    }

    @Override
    public float[] forward(BackboneInput input) {
        return forward(input, new BackboneProbe() { });
    }

    @Override
    public float[] forward(BackboneInput input, BackboneProbe probe) {
        try (MixtralCache scratch = newState()) {
            return pass(scratch, input, probe);
        }
    }

    @Override
    public MixtralCache newState() {
        return new MixtralCache(this, config.layers(), config.kvHeads() * config.headDim());
    }

    @Override
    public float[] forward(BackboneState state, BackboneInput input) {
        if (!(state instanceof MixtralCache cache) || cache.owner != this) {
            throw new IllegalArgumentException("this state was not made by this mixtral backbone");
        }
        return pass(cache, input, new BackboneProbe() { });
    }

    private float[] pass(MixtralCache cache, BackboneInput input, BackboneProbe probe) {
        if (closed) {
            throw new IllegalStateException("this mixtral backbone is closed");
        }
        int d = config.hiddenSize();
        int rows = input.rows();
        if (rows > 0 && input.width() != d) {
            throw new IllegalArgumentException("input rows are " + input.width() + " wide, the backbone is " + d);
        }
        int past = cache.length();
        cache.reserve(rows);
        float[] x = input.embeddings().clone();
        float[] normed = new float[rows * d];
        for (int l = 0; l < config.layers(); l++) {
            MixtralWeights.Layer layer = weights.layers().get(l);
            rmsNorm(x, layer.attentionNorm(), rows, normed);
            attentionBlock(layer, l, normed, rows, input.positions(), cache, past, x);
            rmsNorm(x, layer.moeNorm(), rows, normed);
            float[] experts = new float[rows * d];
            Routing routing = moe[l].apply(normed, rows, experts, pool);
            addInPlace(x, experts);
            probe.routing(l, rows, routing.experts(), routing.logits(), routing.chosen(), routing.weights());
            probe.layerOutput(l, x, rows);
        }
        cache.advance(rows);
        float[] out = new float[rows * d];
        rmsNorm(x, weights.finalNorm(), rows, out);
        return out;
    }

    /** Adds the attention output of {@code normed} to the residual stream {@code x}; appends k, v to the cache. */
    private void attentionBlock(MixtralWeights.Layer layer, int index, float[] normed, int rows, int[] positions,
                                MixtralCache cache, int past, float[] x) {
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        int hd = config.headDim();
        int kvWidth = kvHeads * hd;
        float[] q = new float[rows * heads * hd];
        float[] k = new float[rows * kvWidth];
        float[] v = new float[rows * kvWidth];
        layer.q().multiply(normed, rows, q, pool);
        layer.k().multiply(normed, rows, k, pool);
        layer.v().multiply(normed, rows, v, pool);
        rope.apply(q, rows, heads, positions);
        rope.apply(k, rows, kvHeads, positions);
        System.arraycopy(k, 0, cache.keys(index), past * kvWidth, rows * kvWidth);
        System.arraycopy(v, 0, cache.values(index), past * kvWidth, rows * kvWidth);
        AttentionProblem problem = AttentionProblem.of(q, cache.keys(index), cache.values(index), rows,
                past + rows, heads, kvHeads, hd, new AttentionMask.SlidingWindow(past, window));
        float[] attended = new float[rows * heads * hd];
        attention.attend(problem, attended, null);
        float[] projected = new float[rows * config.hiddenSize()];
        layer.o().multiply(attended, rows, projected, pool);
        addInPlace(x, projected);
    }

    /** RMSNorm per row: {@code w · x / sqrt(mean(x²) + eps)}, in float32 as HF computes it. */
    private void rmsNorm(float[] x, float[] weight, int rows, float[] out) {
        int d = config.hiddenSize();
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            float sum = 0f;
            for (int c = 0; c < d; c++) {
                sum += x[off + c] * x[off + c];
            }
            float inv = (float) (1.0 / Math.sqrt(sum / d + config.normEps()));
            for (int c = 0; c < d; c++) {
                out[off + c] = weight[c] * (x[off + c] * inv);
            }
        }
    }

    private static void addInPlace(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    @Override
    public void close() {
        // the weights belong to the model, which releases them; this only stops further use
        closed = true;
        pool.close();
    }
}
