package valle.backend.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.WeightFormat;
import valle.kit.nn.LlamaShape;
import valle.kit.nn.TensorSpec;

/**
 * The ONNX graphs of a Llama stack (HF {@code LlamaModel} without {@code embed_tokens}). The first-pass graph
 * ({@link #build}) takes new rows and every layer's past keys and values (empty, {@code [kvHeads, 0, headDim]},
 * as the backbone feeds it) and returns the final hidden states and each layer's keys (after RoPE) and values
 * for all rows seen, which become the cache.
 *
 * <p>Inputs: {@code embeddings [T, D]}; {@code cos}, {@code sin [T, headDim/2]} (rotary tables, made in
 * Java so every backend rotates by the same float32 values); {@code mask [T, S]} added to the attention
 * scores (0 or -inf; {@code S} = past + T); {@code past.{l}.key}, {@code past.{l}.value
 * [kvHeads, P, headDim]}. Outputs: {@code hidden [T, D]} (after the final norm), {@code present.{l}.key},
 * {@code present.{l}.value [kvHeads, S, headDim]} (head-major, so that attention reads the cache in place: the
 * values as they are, the keys through a last-two-axes transpose that ORT folds into its matrix product), {@code layer.{l}.output [T, D]} (the residual stream after
 * each block, fetched only for a {@link valle.api.arch.BackboneProbe}). Weights keep the checkpoint's names
 * ({@code layers.0.self_attn.o_proj.weight}, ...) and its {@code [out, in]} layout (Gemm with transB), except
 * that q, k, v and gate, up are stacked into one weight each ({@link #graphWeights}: fewer, larger products).
 * With {@link WeightFormat#INT8} or {@link WeightFormat#INT4} weights, every linear layer (the stacked q|k|v,
 * o, the stacked gate|up and down) is one node over the weight quantised at load instead of a Gemm: int8 a
 * {@code DynamicQuantizeMatMul} ({@link DynamicInt8Layout}), int4 a {@code MatMulNBits} ({@link MatMulNBitsLayout});
 * norms stay float32.
 *
 * <p>The cached variant ({@link #buildCached}) serves passes over a non-empty cache without copying it: its
 * {@code past.{l}.*} inputs are the cache's capacity buffers {@code [kvHeads, C, headDim]} (rows past the
 * cache's length hidden by the mask, which is {@code [T, C + T]}), the scores against past and new keys are
 * computed apart and joined, and it returns only the new rows' keys and values, {@code new.{l}.key},
 * {@code new.{l}.value [kvHeads, T, headDim]}, which the caller writes into its buffers. The first-pass graph
 * runs ONNX Runtime's fused {@code MultiHeadAttention} where there are as many key/value heads as query heads
 * (the published models), else the plain products.
 */
final class LlamaGraph {
    static final String EMBEDDINGS = "embeddings";
    static final String COS = "cos";
    static final String SIN = "sin";
    static final String MASK = "mask";
    static final String HIDDEN = "hidden";

    private final BackboneConfig c;
    private final WeightFormat format;
    private final OnnxGraph g;
    private final String eps;
    /** The quantised weights' layouts by name; empty in float32. */
    private final Map<String, QuantisedLinear> quantised = new HashMap<>();
    /** Sequences a cached pass takes ({@link #buildCached(BackboneConfig, WeightFormat, int)}). */
    private int sequences = 1;

    private LlamaGraph(BackboneConfig config, WeightFormat format) {
        this.c = config;
        this.format = format;
        this.g = new OnnxGraph("llama");
        this.eps = g.scalar(config.normEps());
    }

    static String pastKey(int layer) {
        return "past." + layer + ".key";
    }

    static String pastValue(int layer) {
        return "past." + layer + ".value";
    }

    static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    static String newKey(int layer) {
        return "new." + layer + ".key";
    }

    static String newValue(int layer) {
        return "new." + layer + ".value";
    }

    /** Sequence {@code s}'s name for a per-sequence input or output {@code name} of the cached graph. */
    static String ofSequence(int s, String name) {
        return s == 0 ? name : "sequence." + s + "." + name;
    }

    /** The residual stream after block {@code layer}, before the final norm (read only for a probe). */
    static String layerOutput(int layer) {
        return "layer." + layer + ".output";
    }

    /**
     * A weight the graphs declare: the checkpoint tensors it stacks along its rows, in order (one for most; the
     * q, k, v projections and the gate and up projections become one product each, split after).
     */
    record GraphWeight(String name, List<TensorSpec> parts) {
        static GraphWeight of(TensorSpec tensor) {
            return new GraphWeight(tensor.name(), List.of(tensor));
        }

        int[] shape() {
            if (parts.size() == 1) {
                return parts.getFirst().shape();
            }
            return new int[] {parts.stream().mapToInt(p -> p.shape()[0]).sum(), parts.getFirst().shape()[1]};
        }

        /** A linear layer's {@code [out, in]} matrix (the rest are norms' vectors). */
        boolean linear() {
            return shape().length == 2;
        }
    }

    /**
     * The layout of {@code weight} in {@code format}: null where it stays float32 (a norm's vector, or every
     * weight in {@link WeightFormat#F32}).
     */
    static QuantisedLinear layout(GraphWeight weight, WeightFormat format) {
        if (format == WeightFormat.F32 || !weight.linear()) {
            return null;
        }
        int[] shape = weight.shape();
        return format == WeightFormat.INT8 ? new DynamicInt8Layout(shape[0], shape[1])
                : new MatMulNBitsLayout(OnnxWeights.quantizer(format), shape[0], shape[1]);
    }

    static String qkvWeight(int layer) {
        return "layers." + layer + ".self_attn.qkv_proj.weight";
    }

    static String gateUpWeight(int layer) {
        return "layers." + layer + ".mlp.gate_up_proj.weight";
    }

    /** The graphs' weights, each made of checkpoint tensors. */
    static List<GraphWeight> graphWeights(BackboneConfig c) {
        List<GraphWeight> out = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            LlamaShape.Layer layer = LlamaShape.layer(c, i);
            out.add(GraphWeight.of(layer.attentionNorm()));
            out.add(new GraphWeight(qkvWeight(i), List.of(layer.q(), layer.k(), layer.v())));
            out.add(GraphWeight.of(layer.o()));
            out.add(GraphWeight.of(layer.mlpNorm()));
            out.add(new GraphWeight(gateUpWeight(i), List.of(layer.gate(), layer.up())));
            out.add(GraphWeight.of(layer.down()));
        }
        out.add(GraphWeight.of(LlamaShape.finalNorm(c)));
        return out;
    }

    /** The serialized first-pass model (also right over a compact past), its linear layers in {@code format}. */
    static byte[] build(BackboneConfig config, WeightFormat format) {
        return new LlamaGraph(config, format).stack(false);
    }

    /**
     * The serialized cached-pass model: the past as capacity buffers, only the new rows' keys and values out; its
     * linear layers in {@code format}.
     */
    static byte[] buildCached(BackboneConfig config, WeightFormat format) {
        return buildCached(config, format, 1);
    }

    /**
     * The cached-pass model over {@code sequences} sequences in one pass: their rows stacked
     * ({@code embeddings}, {@code cos}, {@code sin}, {@code hidden}, {@code layer.{l}.output}) for the norms,
     * RoPE and every linear layer, and split per sequence for attention, which runs for sequence {@code s} on
     * exactly the shapes of its own pass, against its own mask and past ({@link #ofSequence}{@code (s, mask)},
     * {@code (s, past.{l}.key)}, ..., giving {@code (s, new.{l}.key)}, ...). Every sequence has rows: the
     * caller feeds one it leaves vacant a row of its own. Sequence 0's names are the one-sequence graph's.
     */
    static byte[] buildCached(BackboneConfig config, WeightFormat format, int sequences) {
        LlamaGraph graph = new LlamaGraph(config, format);
        graph.sequences = sequences;
        return graph.stack(true);
    }

    private byte[] stack(boolean cached) {
        int d = c.hiddenSize();
        int half = c.headDim() / 2;
        for (GraphWeight w : graphWeights(c)) {
            QuantisedLinear layout = layout(w, format);
            if (layout == null) {
                g.weight(w.name(), w.shape());
            } else {
                layout.declare(g, w.name());
                quantised.put(w.name(), layout);
            }
        }
        String x = g.input(EMBEDDINGS, "T", d);
        String cos = g.input(COS, "T", half);
        String sin = g.input(SIN, "T", half);
        String[] masks = new String[cached ? sequences : 1];
        for (int s = 0; s < masks.length; s++) {
            masks[s] = g.input(ofSequence(s, MASK), dim("T", s), dim("S", s));
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "layers." + l + ".";
            String normed = rmsNorm(x, p + "input_layernorm.weight");
            String attended = cached ? cachedAttention(l, normed, cos, sin, masks) : attention(l, normed, cos, sin, masks[0]);
            String h = g.node("Add", new String[] {x, attended});
            x = g.nodeWithOutputs("Add", new String[] {h, mlp(l, rmsNorm(h, p + "post_attention_layernorm.weight"))},
                    new String[] {layerOutput(l)})[0];
        }
        String hidden = rmsNorm(x, "norm.weight");
        g.nodeWithOutputs("Identity", new String[] {hidden}, new String[] {HIDDEN});
        g.output(HIDDEN, "T", d);
        for (int l = 0; l < c.layers(); l++) {
            if (cached) {
                for (int s = 0; s < sequences; s++) {
                    g.output(ofSequence(s, newKey(l)), c.kvHeads(), dim("T", s), c.headDim());
                    g.output(ofSequence(s, newValue(l)), c.kvHeads(), dim("T", s), c.headDim());
                }
            } else {
                g.output(presentKey(l), c.kvHeads(), "S", c.headDim());
                g.output(presentValue(l), c.kvHeads(), "S", c.headDim());
            }
            g.output(layerOutput(l), "T", d);
        }
        return g.toBytes();
    }

    /** A symbolic dimension of sequence {@code s}: its own in a pass of several sequences (the stacked rows are {@code T}). */
    private String dim(String name, int s) {
        return sequences == 1 ? name : name + s;
    }

    /** {@code w · x / sqrt(mean(x²) + eps)} per row. */
    private String rmsNorm(String x, String weight) {
        // in the form ORT's optimiser fuses into one SimplifiedLayerNormalization kernel (Pow, ReduceMean, Add,
        // Sqrt, Div, Mul): one pass over the rows instead of six
        String meanSquare = g.node("ReduceMean", g.node("Pow", new String[] {x, g.scalar(2f)}), "axes", new long[] {-1}, "keepdims", 1);
        String root = g.node("Sqrt", g.node("Add", new String[] {meanSquare, eps}));
        return g.node("Mul", new String[] {g.node("Div", new String[] {x, root}), weight});
    }

    /** {@code x [T, in] · Wᵀ} for a weight {@code [out, in]}, float32 or quantised. */
    private String linear(String x, String weight) {
        QuantisedLinear layout = quantised.get(weight);
        return layout == null ? g.node("Gemm", new String[] {x, weight}, "transB", 1) : layout.multiply(g, x, weight);
    }

    /** The first-pass attention block's output {@code [T, D]} (before the residual add) over normed rows {@code n}. */
    private String attention(int l, String n, String cos, String sin, String mask) {
        if (c.heads() == c.kvHeads()) {
            return fusedAttention(l, n, cos, sin, mask);
        }
        String[] qkv = projections(l, n, cos, sin);
        long[] headMajor = {1, 0, 2};
        String k = g.node("Transpose", qkv[1], "perm", headMajor);
        String v = g.node("Transpose", qkv[2], "perm", headMajor);
        return linear(contextRows(contextOverPast(l, queriesByKvHead(qkv[0]), k, v, mask)),
                "layers." + l + ".self_attn.o_proj.weight");
    }

    /**
     * The cached attention block's output {@code [T, D]} over the stacked normed rows {@code n} of the
     * sequences whose {@code masks} are given: one product for q, k and v, split per sequence (at the masks'
     * row counts) for attention against each sequence's own past, the context rows stacked again for one
     * product with {@code o_proj}.
     */
    private String cachedAttention(int l, String n, String cos, String sin, String[] masks) {
        String[] qkv = projections(l, n, cos, sin);
        String[][] perSequence = {{qkv[0]}, {qkv[1]}, {qkv[2]}};
        if (masks.length > 1) {
            String[] rowCounts = new String[masks.length];
            for (int s = 0; s < masks.length; s++) {
                rowCounts[s] = g.node("Shape", masks[s], "end", 1L);
            }
            String rows = g.node("Concat", rowCounts, "axis", 0);
            for (int i = 0; i < 3; i++) {
                perSequence[i] = g.nodes("Split", new String[] {qkv[i], rows}, masks.length, "axis", 0);
            }
        }
        long[] headMajor = {1, 0, 2};
        String[] contexts = new String[masks.length];
        for (int s = 0; s < masks.length; s++) {
            String k = g.nodeWithOutputs("Transpose", new String[] {perSequence[1][s]},
                    new String[] {ofSequence(s, newKey(l))}, "perm", headMajor)[0];
            String v = g.nodeWithOutputs("Transpose", new String[] {perSequence[2][s]},
                    new String[] {ofSequence(s, newValue(l))}, "perm", headMajor)[0];
            contexts[s] = contextRows(contextOverBuffers(l, s, queriesByKvHead(perSequence[0][s]), k, v, masks[s]));
        }
        String rows = masks.length == 1 ? contexts[0] : g.node("Concat", contexts, "axis", 0);
        return linear(rows, "layers." + l + ".self_attn.o_proj.weight");
    }

    /**
     * The first-pass form as ONNX Runtime's fused {@code MultiHeadAttention} (as many key/value heads as query
     * heads): rotated q and k rows and the v rows in, the past appended inside, the context rows out; the mask
     * is its additive attention bias, and its present keys and values (head-major) are the cache's.
     */
    private String fusedAttention(int l, String n, String cos, String sin, String mask) {
        int heads = c.heads();
        int hd = c.headDim();
        int d = heads * hd;
        String[] qkv = g.nodes("Split", new String[] {linear(n, qkvWeight(l)), g.ints(d, d, d)}, 3, "axis", -1);
        String past = "P";
        String pastKeys = g.node("Reshape", new String[] {g.input(pastKey(l), heads, past, hd), g.ints(1, heads, -1, hd)});
        String pastValues = g.node("Reshape", new String[] {g.input(pastValue(l), heads, past, hd), g.ints(1, heads, -1, hd)});
        String bias = g.node("Unsqueeze", new String[] {mask, g.ints(0, 1)});
        String[] outs = g.runtimeNodes("MultiHeadAttention", new String[] {rope(qkv[0], d, cos, sin),
                rope(qkv[1], d, cos, sin), g.node("Reshape", new String[] {qkv[2], g.ints(1, -1, d)}), "", "", bias,
                pastKeys, pastValues}, 3, "num_heads", heads, "scale", (float) (1.0 / Math.sqrt(hd)));
        g.nodeWithOutputs("Reshape", new String[] {outs[1], g.ints(heads, -1, hd)}, new String[] {presentKey(l)});
        g.nodeWithOutputs("Reshape", new String[] {outs[2], g.ints(heads, -1, hd)}, new String[] {presentValue(l)});
        return linear(g.node("Reshape", new String[] {outs[0], g.ints(-1, d)}), "layers." + l + ".self_attn.o_proj.weight");
    }

    /**
     * The first-pass form: the new keys and values appended to the past ones ({@code present.*}, which the
     * backbone keeps), one product with all keys, one with all values.
     */
    private String contextOverPast(int l, String qh, String k, String v, String mask) {
        int kvHeads = c.kvHeads();
        int hd = c.headDim();
        String keys = g.nodeWithOutputs("Concat", new String[] {g.input(pastKey(l), kvHeads, "P", hd), k},
                new String[] {presentKey(l)}, "axis", 1)[0];
        String values = g.nodeWithOutputs("Concat", new String[] {g.input(pastValue(l), kvHeads, "P", hd), v},
                new String[] {presentValue(l)}, "axis", 1)[0];
        // a swap of the last two axes, which ORT's optimiser folds into the product (no copy of the cache)
        String kh = g.node("Transpose", keys, "perm", new long[] {0, 2, 1});
        String scores = g.node("Mul", new String[] {g.node("MatMul", new String[] {qh, kh}),
                g.scalar((float) (1.0 / Math.sqrt(hd)))});
        return g.node("MatMul", new String[] {softmax(scores, mask), values});
    }

    /**
     * The cached form, over the capacity buffers {@code past.{l}.*} and the new rows: {@code q·Kᵀ} against each
     * apart, the scores joined for one softmax, and the weights split again for the two products with the
     * values, so that nothing copies the past.
     */
    private String contextOverBuffers(int l, int s, String qh, String k, String v, String mask) {
        int kvHeads = c.kvHeads();
        int hd = c.headDim();
        String pastKeys = g.input(ofSequence(s, pastKey(l)), kvHeads, dim("C", s), hd);
        String pastValues = g.input(ofSequence(s, pastValue(l)), kvHeads, dim("C", s), hd);
        String pastScores = g.node("MatMul", new String[] {qh, g.node("Transpose", pastKeys, "perm", new long[] {0, 2, 1})});
        String newScores = g.node("MatMul", new String[] {qh, g.node("Transpose", k, "perm", new long[] {0, 2, 1})});
        String scores = g.node("Mul", new String[] {g.node("Concat", new String[] {pastScores, newScores}, "axis", -1),
                g.scalar((float) (1.0 / Math.sqrt(hd)))});
        String probabilities = softmax(scores, mask);
        // split the weights back at C: the sizes are the two score blocks' last dimensions
        String sizes = g.node("Concat", new String[] {g.node("Shape", pastScores, "start", -1L),
                g.node("Shape", newScores, "start", -1L)}, "axis", 0);
        String[] parts = g.nodes("Split", new String[] {probabilities, sizes}, 2, "axis", -1);
        return g.node("Add", new String[] {g.node("MatMul", new String[] {parts[0], pastValues}),
                g.node("MatMul", new String[] {parts[1], v})});
    }

    /** {@code q [T, heads, hd]} and {@code k [T, kvHeads, hd]} (both rotated) and {@code v} from one product. */
    private String[] projections(int l, String n, String cos, String sin) {
        int heads = c.heads();
        int kvHeads = c.kvHeads();
        int hd = c.headDim();
        String[] qkv = g.nodes("Split", new String[] {linear(n, qkvWeight(l)),
                g.ints(heads * hd, kvHeads * hd, kvHeads * hd)}, 3, "axis", -1);
        return new String[] {
            g.node("Reshape", new String[] {rope(qkv[0], heads * hd, cos, sin), g.ints(-1, heads, hd)}),
            g.node("Reshape", new String[] {rope(qkv[1], kvHeads * hd, cos, sin), g.ints(-1, kvHeads, hd)}),
            g.node("Reshape", new String[] {qkv[2], g.ints(-1, kvHeads, hd)})};
    }

    /**
     * {@code q [T, H, hd]} with the heads as the batch, {@code [kvH, group·T, hd]}: query head {@code h} reads kv
     * head {@code h / group} (HF's repeat_kv), so a group's queries are stacked as rows of their kv head.
     */
    private String queriesByKvHead(String q) {
        String qh = g.node("Transpose", q, "perm", new long[] {1, 0, 2});
        if (c.heads() > c.kvHeads()) {
            qh = g.node("Reshape", new String[] {qh, g.ints(c.kvHeads(), -1, c.headDim())});
        }
        return qh;
    }

    /** {@code softmax(scores + mask)} over the last axis of {@code [kvH, group·T, S]} scores; the mask is {@code [T, S]}. */
    private String softmax(String scores, String mask) {
        boolean grouped = c.heads() > c.kvHeads();
        if (grouped) {
            scores = g.node("Reshape", new String[] {scores, g.ints(c.heads(), -1, 0)});
        }
        String probabilities = g.node("Softmax", g.node("Add", new String[] {scores, mask}), "axis", -1);
        return grouped ? g.node("Reshape", new String[] {probabilities, g.ints(c.kvHeads(), -1, 0)}) : probabilities;
    }

    /** The attention's {@code context} (per kv head, the group's query rows stacked) as rows {@code [T, D]}. */
    private String contextRows(String context) {
        if (c.heads() / c.kvHeads() > 1) {
            context = g.node("Reshape", new String[] {context, g.ints(c.heads(), -1, c.headDim())});
        }
        return g.node("Reshape", new String[] {g.node("Transpose", context, "perm", new long[] {1, 0, 2}),
                g.ints(-1, c.hiddenSize())});
    }

    /**
     * Rotate-half RoPE on rows {@code x [T, width]} of whole heads: halves {@code (x1, x2)} of each head become
     * {@code (x1·cos - x2·sin, x2·cos + x1·sin)}, row {@code t} with row {@code t} of the tables. ONNX Runtime's
     * fused kernel (one node instead of eight, no copies of the halves), given the tables as its cache and a
     * position offset of 0.
     */
    private String rope(String x, int width, String cos, String sin) {
        String batch = g.node("Reshape", new String[] {x, g.ints(1, -1, width)});
        return g.runtimeNode("RotaryEmbedding", new String[] {batch, g.ints(0), cos, sin}, "interleaved", 0);
    }

    /** {@code down(act(gate(n)) ⊙ up(n))}, gate and up from one product. */
    private String mlp(int l, String n) {
        int f = c.intermediateSize();
        String[] gateUp = g.nodes("Split", new String[] {linear(n, gateUpWeight(l)), g.ints(f, f)}, 2, "axis", -1);
        return linear(g.node("Mul", new String[] {activation(gateUp[0]), gateUp[1]}),
                "layers." + l + ".mlp.down_proj.weight");
    }

    private String activation(String x) {
        return switch (c.activation()) {
            // exact GELU, x · (1 + erf(x/√2)) / 2, in the form ORT's optimiser fuses into one Gelu kernel
            case "gelu" -> g.node("Mul", new String[] {g.node("Mul", new String[] {x,
                    g.node("Add", new String[] {g.node("Erf", g.node("Div", new String[] {x, g.scalar((float) Math.sqrt(2))})),
                            g.scalar(1f)})}), g.scalar(0.5f)});
            case "silu" -> g.node("Mul", new String[] {x, g.node("Sigmoid", x)});
            default -> throw new IllegalArgumentException("llama on onnx has no activation '" + c.activation() + "'");
        };
    }
}
