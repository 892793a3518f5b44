package valle.arch.llama;

import java.util.concurrent.ForkJoinPool;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

/**
 * A pre-norm Llama stack (HF {@code LlamaModel} without {@code embed_tokens}):
 * {@code h = x + o(attn(rope(q), rope(k), v))} over {@code rms1(x)}, then
 * {@code y = h + down(act(gate(n)) ⊙ up(n))} with {@code n = rms2(h)}, then the final RMSNorm.
 *
 * <p>Every pass goes through a {@link KvCache}: a full-sequence pass is a prefill into a throw-away cache,
 * so cached decoding and full passes share one code path.
 */
final class LlamaBackbone implements Backbone {
    private static final BackboneProbe NO_PROBE = new BackboneProbe() { };
    private final BackboneConfig config;
    private final LlamaWeights weights;
    private final AttentionKernel attention;
    private final Activation activation;
    private final Rope rope;
    /** Splits the matrix products; lives as long as the backbone. */
    private final ForkJoinPool pool;
    private volatile boolean closed;

    LlamaBackbone(BackboneConfig config, LlamaWeights weights, AttentionKernel attention) {
        this.config = config;
        this.weights = weights;
        this.attention = attention;
        this.activation = Activation.find(config.activation());
        this.rope = new Rope(config.headDim(), config.ropeTheta());
        int threads = Runtime.getRuntime().availableProcessors();
        this.pool = threads > 1 ? new ForkJoinPool(threads, p -> {
            var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            worker.setDaemon(true);
            worker.setName("valle-llama-" + worker.getPoolIndex());
            return worker;
        }, null, false) : null;
    }

    @Override
    public BackboneConfig config() {
        return config;
    }

    @Override
    public float[] forward(BackboneInput input) {
        try (KvCache scratch = newState()) {
            return forward(scratch, input);
        }
    }

    @Override
    public float[] forward(BackboneInput input, BackboneProbe probe) {
        try (KvCache scratch = newState()) {
            return pass(scratch, input, probe);
        }
    }

    @Override
    public KvCache newState() {
        return new KvCache(this, config.layers(), config.kvHeads() * config.headDim());
    }

    @Override
    public float[] forward(BackboneState state, BackboneInput input) {
        if (!(state instanceof KvCache cache) || cache.owner != this) {
            throw new IllegalArgumentException("this state was not made by this llama backbone");
        }
        return pass(cache, input, NO_PROBE);
    }

    private float[] pass(KvCache cache, BackboneInput input, BackboneProbe probe) {
        if (closed) {
            throw new IllegalStateException("this llama backbone is closed");
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
            LlamaWeights.Layer layer = weights.layers().get(l);
            rmsNorm(x, layer.attentionNorm(), rows, normed);
            attentionBlock(layer, l, normed, rows, input, cache, past, x);
            rmsNorm(x, layer.mlpNorm(), rows, normed);
            mlpBlock(layer, normed, rows, x);
            probe.layerOutput(l, x, rows);
        }
        cache.advance(rows);
        float[] out = new float[rows * d];
        rmsNorm(x, weights.finalNorm(), rows, out);
        return out;
    }

    /** Adds the attention output of {@code normed} to the residual stream {@code x}; appends k, v to the cache. */
    private void attentionBlock(LlamaWeights.Layer layer, int index, float[] normed, int rows, BackboneInput input,
                                KvCache cache, int past, float[] x) {
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        int hd = config.headDim();
        int kvWidth = kvHeads * hd;
        float[] q = new float[rows * heads * hd];
        float[] k = new float[rows * kvWidth];
        float[] v = new float[rows * kvWidth];
        layer.q().apply(normed, rows, q, pool);
        layer.k().apply(normed, rows, k, pool);
        layer.v().apply(normed, rows, v, pool);
        rope.apply(q, rows, heads, input.positions());
        rope.apply(k, rows, kvHeads, input.positions());
        System.arraycopy(k, 0, cache.keys(index), past * kvWidth, rows * kvWidth);
        System.arraycopy(v, 0, cache.values(index), past * kvWidth, rows * kvWidth);

        int keys = past + rows;
        AttentionMask mask = input.mask() == MaskMode.CAUSAL ? AttentionMask.causal(past) : AttentionMask.none();
        AttentionProblem problem = AttentionProblem.of(q, cache.keys(index), cache.values(index), rows, keys,
                heads, kvHeads, hd, mask);
        float[] attended = new float[rows * heads * hd];
        attention.attend(problem, attended, null);
        float[] projected = new float[rows * config.hiddenSize()];
        layer.o().apply(attended, rows, projected, pool);
        addInPlace(x, projected);
    }

    private void mlpBlock(LlamaWeights.Layer layer, float[] normed, int rows, float[] x) {
        int f = config.intermediateSize();
        float[] gate = new float[rows * f];
        float[] up = new float[rows * f];
        layer.gate().apply(normed, rows, gate, pool);
        layer.up().apply(normed, rows, up, pool);
        for (int i = 0; i < gate.length; i++) {
            gate[i] = activation.apply(gate[i]) * up[i];
        }
        float[] down = new float[rows * config.hiddenSize()];
        layer.down().apply(gate, rows, down, pool);
        addInPlace(x, down);
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
        // the weights are views owned by the model, which releases them; this only stops further use
        closed = true;
        if (pool != null) {
            pool.shutdown();
        }
    }
}
