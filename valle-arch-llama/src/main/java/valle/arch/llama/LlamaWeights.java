package valle.arch.llama;

import java.util.ArrayList;
import java.util.List;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.Weights;

/**
 * The tensors of a Llama stack, checked against the config once. Names are HF's, relative to the backbone
 * prefix: {@code layers.{i}.self_attn.q_proj.weight} and so on; linear weights are {@code [out, in]}.
 */
record LlamaWeights(List<Layer> layers, float[] finalNorm) {

    record Layer(float[] attentionNorm, DenseLinear q, DenseLinear k, DenseLinear v, DenseLinear o,
                 float[] mlpNorm, DenseLinear gate, DenseLinear up, DenseLinear down) {
    }

    static LlamaWeights bind(BackboneConfig c, Weights w) {
        int d = c.hiddenSize();
        int kv = c.kvHeads() * c.headDim();
        int f = c.intermediateSize();
        List<Layer> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            layers.add(new Layer(
                    w.require(p + "input_layernorm.weight", d).toFloatArray(),
                    linear(w, p + "self_attn.q_proj.weight", d, d),
                    linear(w, p + "self_attn.k_proj.weight", kv, d),
                    linear(w, p + "self_attn.v_proj.weight", kv, d),
                    linear(w, p + "self_attn.o_proj.weight", d, d),
                    w.require(p + "post_attention_layernorm.weight", d).toFloatArray(),
                    linear(w, p + "mlp.gate_proj.weight", f, d),
                    linear(w, p + "mlp.up_proj.weight", f, d),
                    linear(w, p + "mlp.down_proj.weight", d, f)));
        }
        if (w.find("layers." + c.layers() + ".input_layernorm.weight").isPresent()) {
            throw new valle.api.ModelFormatException(w.source() + ": the checkpoint has more than the "
                    + c.layers() + " layers its config declares");
        }
        return new LlamaWeights(List.copyOf(layers), w.require("norm.weight", d).toFloatArray());
    }

    private static DenseLinear linear(Weights w, String name, int out, int in) {
        return new DenseLinear(w.require(name, out, in));
    }
}
