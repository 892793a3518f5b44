package valle.kit.nn;

import java.util.ArrayList;
import java.util.List;
import valle.api.Experimental;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.plugin.Availability;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;

/**
 * The shape of an HF Llama stack, which the Java llama, its native backends and Mixtral's attention share:
 * what a config needs to be run, the tensors of each layer (HF's names, relative to the backbone prefix, and
 * their shapes; linear weights {@code [out, in]}), and random weights in that layout.
 */
@Experimental("shared by the Llama-shaped backbones since the kit was made")
public final class LlamaShape {
    private LlamaShape() {
    }

    /** The tensors of one layer, in HF's order. */
    public record Layer(TensorSpec attentionNorm, TensorSpec q, TensorSpec k, TensorSpec v, TensorSpec o,
                        TensorSpec mlpNorm, TensorSpec gate, TensorSpec up, TensorSpec down) {

        /** The two norms and the attention projections: what a Mixtral layer holds besides its experts. */
        public List<TensorSpec> normsAndAttention() {
            return List.of(attentionNorm, q, k, v, o, mlpNorm);
        }

        /** Every tensor of the layer, in HF's order. */
        public List<TensorSpec> all() {
            return List.of(attentionNorm, q, k, v, o, mlpNorm, gate, up, down);
        }
    }

    /**
     * Whether {@code config} can be run beyond its arch type: an {@link Activation} of the kit's and an even
     * head width for {@link Rope}.
     *
     * @param backbone what runs it, for the reason ("llama on onnx")
     */
    public static Availability supports(BackboneConfig config, String backbone) {
        if (Activation.named(config.activation()).isEmpty()) {
            return Availability.no(backbone + " has no activation '" + config.activation() + "'",
                    "use one of " + Activation.names());
        }
        return Rope.supports(config.headDim());
    }

    /** The tensors of layer {@code index} ({@code layers.{index}.*}). */
    public static Layer layer(BackboneConfig c, int index) {
        int d = c.hiddenSize();
        int kv = c.kvHeads() * c.headDim();
        int f = c.intermediateSize();
        String p = "layers." + index + ".";
        return new Layer(
                new TensorSpec(p + "input_layernorm.weight", d),
                new TensorSpec(p + "self_attn.q_proj.weight", d, d),
                new TensorSpec(p + "self_attn.k_proj.weight", kv, d),
                new TensorSpec(p + "self_attn.v_proj.weight", kv, d),
                new TensorSpec(p + "self_attn.o_proj.weight", d, d),
                new TensorSpec(p + "post_attention_layernorm.weight", d),
                new TensorSpec(p + "mlp.gate_proj.weight", f, d),
                new TensorSpec(p + "mlp.up_proj.weight", f, d),
                new TensorSpec(p + "mlp.down_proj.weight", d, f));
    }

    /** The final norm, {@code norm.weight}. */
    public static TensorSpec finalNorm(BackboneConfig c) {
        return new TensorSpec("norm.weight", c.hiddenSize());
    }

    /** Every tensor of the stack: the layers' in order, then the final norm. */
    public static List<TensorSpec> tensors(BackboneConfig c) {
        List<TensorSpec> out = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            out.addAll(layer(c, i).all());
        }
        out.add(finalNorm(c));
        return out;
    }

    /** Random Llama weights for {@code config}: {@link #tensors} drawn in order, so equal for a seed everywhere. */
    public static Weights randomWeights(BackboneConfig c, long seed) {
        return draw(new RandomTensors(seed), tensors(c)).build("random llama weights");
    }

    /** Draws {@code specs} in order into {@code t}: vectors (norm weights) around 1 ± 0.2, matrices as linears. */
    public static RandomTensors draw(RandomTensors t, List<TensorSpec> specs) {
        for (TensorSpec s : specs) {
            int[] shape = s.shape();
            if (shape.length == 1) {
                t.around(s.name(), 1, 0.2, shape[0]);
            } else {
                t.linear(s.name(), shape[0], shape[1]);
            }
        }
        return t;
    }

    /**
     * Refuses a checkpoint with a layer past those {@code config} declares (which binding by name would ignore).
     *
     * @throws ModelFormatException saying so
     */
    public static void refuseMoreLayers(BackboneConfig c, Weights w) {
        if (w.find("layers." + c.layers() + ".input_layernorm.weight").isPresent()) {
            throw new ModelFormatException(w.source() + ": the checkpoint has more than the "
                    + c.layers() + " layers its config declares");
        }
    }
}
