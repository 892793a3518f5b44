package valle.backend.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.tensor.Weights;
import valle.kit.nn.AdditiveMask;
import valle.kit.nn.LlamaShape;
import valle.kit.nn.Rope;
import valle.kit.nn.StatefulBackbone;
import valle.kit.nn.TensorSpec;

/**
 * A pre-norm Llama stack (HF {@code LlamaModel} without {@code embed_tokens}) as NDArray operations on DJL's
 * PyTorch engine: {@code h = x + o(attn(rope(q), rope(k), v))} over {@code rms1(x)}, then
 * {@code y = h + down(act(gate(n)) ⊙ up(n))} with {@code n = rms2(h)}, then the final RMSNorm. Full passes and
 * cached decoding share one code path, as in the java llama; a full pass's attention reads its own keys and
 * values, a cached one those of its {@link DjlKvCache}, to which it has appended its rows.
 *
 * <p>The weights are widened to float32 once and held by libtorch ({@link WeightStaging}: no Java copy kept);
 * each pass's intermediates, the views of the cache it reads included, live in a sub-manager closed when the pass
 * ends, so native memory does not grow with the steps (a view held by the cache's manager would keep every step's
 * buffer alive until the cache closes).
 */
final class DjlLlamaBackbone extends StatefulBackbone<DjlKvCache> {
    private final NDManager manager;
    private final List<Layer> layers;
    private final NDArray finalNorm;
    private final Rope rope;

    /** One block's weights; the linear ones transposed to {@code [in, out]} so that {@code y = x · W}. */
    private record Layer(NDArray attentionNorm, NDArray q, NDArray k, NDArray v, NDArray o,
                         NDArray mlpNorm, NDArray gate, NDArray up, NDArray down) {
    }

    private DjlLlamaBackbone(BackboneConfig config, NDManager manager, List<Layer> layers, NDArray finalNorm) {
        super(config, DjlKvCache.class, "llama backbone on djl");
        this.manager = manager;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.rope = new Rope(config.headDim(), config.ropeTheta());
    }

    /**
     * Binds the weights, checking every shape, on the engine's device with {@code threads} intra-op threads.
     *
     * @throws ModelFormatException naming the tensor when one is missing or has another shape
     */
    static DjlLlamaBackbone open(BackboneConfig c, Weights w, int threads) {
        LlamaShape.refuseMoreLayers(c, w);
        PyTorchEngine.useThreads(threads);
        NDManager manager = Engine.getEngine(PyTorchEngine.NAME).newBaseManager(PyTorchEngine.device());
        try {
            WeightStaging m = new WeightStaging(manager);
            List<Layer> layers = new ArrayList<>(c.layers());
            for (int i = 0; i < c.layers(); i++) {
                LlamaShape.Layer t = LlamaShape.layer(c, i);
                layers.add(new Layer(vector(m, w, t.attentionNorm()), linear(m, w, t.q()),
                        linear(m, w, t.k()), linear(m, w, t.v()), linear(m, w, t.o()),
                        vector(m, w, t.mlpNorm()), linear(m, w, t.gate()), linear(m, w, t.up()),
                        linear(m, w, t.down())));
            }
            return new DjlLlamaBackbone(c, manager, List.copyOf(layers), vector(m, w, LlamaShape.finalNorm(c)));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static NDArray vector(WeightStaging m, Weights w, TensorSpec spec) {
        return m.create(spec.require(w), new Shape(spec.shape()[0]));
    }

    /** A linear weight {@code [out, in]} as its transpose {@code [in, out]} (a strided view; BLAS reads it as is). */
    private static NDArray linear(WeightStaging m, Weights w, TensorSpec spec) {
        int[] shape = spec.shape();
        return m.create(spec.require(w), new Shape(shape[0], shape[1])).transpose();
    }

    @Override
    public DjlKvCache newState() {
        return new DjlKvCache(this, manager, config().layers(), config().kvHeads(), config().headDim());
    }

    /**
     * Appends the rows to the cache when it is {@code keep}-ed (a full pass's throw-away cache stays empty: its
     * keys and values are this pass's own); the probe gets each block's output.
     */
    @Override
    protected float[] pass(DjlKvCache cache, BackboneInput input, BackboneProbe probe, boolean keep) {
        int d = config().hiddenSize();
        int rows = input.rows();
        int past = cache.length();
        int half = rope.half();
        Rope.Tables rotation = rope.tables(input.positions());
        if (keep) {
            cache.reserve(rows);
        }
        try (NDManager pass = manager.newSubManager()) {
            NDArray x = pass.create(input.embeddings(), new Shape(rows, d));
            NDArray cos = pass.create(rotation.cos(), new Shape(rows, 1, half));
            NDArray sin = pass.create(rotation.sin(), new Shape(rows, 1, half));
            NDArray mask = pass.create(AdditiveMask.of(input.mask(), past, rows), new Shape(rows, past + rows));
            for (int l = 0; l < layers.size(); l++) {
                Layer layer = layers.get(l);
                // a block's intermediates live in a scope of their own, closed when it ends: held until the pass
                // ended, a 660-row NAR pass's dozen blocks kept some 1.5 GB of libtorch memory at once
                try (NDManager block = pass.newSubManager()) {
                    // the arrays an operation makes join its first operand's manager: all of this block's join it
                    x.attach(block);
                    NDArray attended = attention(l, layer, rmsNorm(x, layer.attentionNorm()), cos, sin, mask,
                            keep ? cache : null, block);
                    NDArray h = x.add(attended);
                    x = h.add(mlp(layer, rmsNorm(h, layer.mlpNorm())));
                    x.attach(pass);
                }
                if (probe != UNWATCHED) {
                    probe.layerOutput(l, x.toFloatArray(), rows);
                }
            }
            cache.advance(rows);
            return rmsNorm(x, finalNorm).toFloatArray();
        }
    }

    /**
     * The attention output {@code [T, D]} over normed rows {@code n}, whose arrays {@code pass} (the block's scope)
     * holds; appends this pass's keys and values to the cache, if there is one, and attends to all of its rows.
     */
    private NDArray attention(int l, Layer layer, NDArray n, NDArray cos, NDArray sin, NDArray mask,
                              DjlKvCache cache, NDManager pass) {
        int heads = config().heads();
        int kvHeads = config().kvHeads();
        int hd = config().headDim();
        int rows = (int) n.getShape().get(0);
        NDArray q = rope(n.matMul(layer.q()).reshape(rows, heads, hd), cos, sin);
        NDArray k = rope(n.matMul(layer.k()).reshape(rows, kvHeads, hd), cos, sin);
        NDArray v = n.matMul(layer.v()).reshape(rows, kvHeads, hd);
        NDArray keys = k;
        NDArray values = v;
        if (cache != null) {
            cache.append(l, k, v);
            keys = cache.keys(l, rows, pass);
            values = cache.values(l, rows, pass);
        }
        // heads as the batch; query head h reads kv head h / group (HF's repeat_kv), so a group's queries are
        // stacked as rows of their kv head
        int group = heads / kvHeads;
        NDArray qh = q.transpose(1, 0, 2).reshape(kvHeads, (long) group * rows, hd);
        NDArray kh = keys.transpose(1, 2, 0);
        NDArray vh = values.transpose(1, 0, 2);
        long seen = keys.getShape().get(0);
        NDArray scores = qh.matMul(kh).mul((float) (1.0 / Math.sqrt(hd))).reshape(heads, rows, seen).add(mask);
        NDArray probabilities = scores.softmax(-1).reshape(kvHeads, (long) group * rows, seen);
        NDArray context = probabilities.matMul(vh).reshape(heads, rows, hd).transpose(1, 0, 2)
                .reshape(rows, config().hiddenSize());
        return context.matMul(layer.o());
    }

    /** Rotate-half RoPE on {@code x [T, heads, hd]}: halves {@code (x1, x2)} become {@code (x1·cos - x2·sin, x2·cos + x1·sin)}. */
    private NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        int half = config().headDim() / 2;
        NDArray x1 = x.get(":, :, :" + half);
        NDArray x2 = x.get(":, :, " + half + ":");
        return x1.mul(cos).sub(x2.mul(sin)).concat(x2.mul(cos).add(x1.mul(sin)), 2);
    }

    private NDArray mlp(Layer layer, NDArray n) {
        NDArray gate = n.matMul(layer.gate());
        NDArray activated = config().activation().equals("gelu") ? Activation.gelu(gate) : Activation.swish(gate, 1f);
        return activated.mul(n.matMul(layer.up())).matMul(layer.down());
    }

    /** {@code w · x / sqrt(mean(x²) + eps)} per row. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray rms = x.mul(x).mean(new int[] {-1}, true).add(config().normEps()).sqrt();
        return x.div(rms).mul(weight);
    }

    /**
     * Every array the backbone's manager holds, its sub-managers' (caches, a running pass) included: the weights,
     * and two buffers a layer per open cache once it has run. What a test counts to see that steps leave nothing.
     */
    int heldArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    protected void release() {
        manager.close();
    }
}
