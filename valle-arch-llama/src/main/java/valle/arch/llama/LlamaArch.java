package valle.arch.llama;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;
import valle.kit.matrix.WeightFormat;
import valle.kit.thread.ThreadCount;

/** The plugin that builds HF-style Llama stacks, as VALL-E's {@code LlamaModel_Adapted} runs them. */
public final class LlamaArch implements Arch {

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public String description() {
        return "Llama decoder stack: RMSNorm, rotate-half RoPE, gated MLP (exact GELU or SiLU), KV cache; "
                + "weights in their file dtype or int8 (valle.llama.weights)";
    }

    @Override
    public Availability supports(BackboneConfig config) {
        Availability own = Arch.super.supports(config);
        if (!own.ok()) {
            return own;
        }
        if (Activation.find(config.activation()) == null) {
            return Availability.no("llama has no activation '" + config.activation() + "'",
                    "use one of " + Activation.names());
        }
        if (config.headDim() % 2 != 0) {
            return Availability.no("rotary embeddings need an even head width, got " + config.headDim(), "");
        }
        return Availability.yes();
    }

    @Override
    public Weights randomWeights(BackboneConfig c, long seed) {
        int d = c.hiddenSize();
        int kv = c.kvHeads() * c.headDim();
        int f = c.intermediateSize();
        RandomTensors t = new RandomTensors(seed);
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            t.around(p + "input_layernorm.weight", 1, 0.2, d)
                    .linear(p + "self_attn.q_proj.weight", d, d)
                    .linear(p + "self_attn.k_proj.weight", kv, d)
                    .linear(p + "self_attn.v_proj.weight", kv, d)
                    .linear(p + "self_attn.o_proj.weight", d, d)
                    .around(p + "post_attention_layernorm.weight", 1, 0.2, d)
                    .linear(p + "mlp.gate_proj.weight", f, d)
                    .linear(p + "mlp.up_proj.weight", f, d)
                    .linear(p + "mlp.down_proj.weight", d, f);
        }
        return t.around("norm.weight", 1, 0.2, d).build("random llama weights");
    }

    @Override
    public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability a = supports(config);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.toString());
        }
        return new LlamaBackbone(config, LlamaWeights.bind(config, weights, requestedFormat()), attention,
                ThreadCount.configured());
    }

    /**
     * The weight format asked for with {@code -Dvalle.llama.weights} or {@code VALLE_LLAMA_WEIGHTS}
     * ({@code f32|bf16|f16|int8}); {@code null} (unset or {@code file}) keeps each tensor's file dtype.
     */
    static WeightFormat requestedFormat() {
        String s = System.getProperty("valle.llama.weights", System.getenv("VALLE_LLAMA_WEIGHTS"));
        if (s == null || s.isBlank() || s.trim().equalsIgnoreCase("file")) {
            return null;
        }
        try {
            return WeightFormat.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("valle.llama.weights / VALLE_LLAMA_WEIGHTS: " + e.getMessage()
                    + " or 'file'");
        }
    }
}
