package valle.arch.llama;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.Weights;
import valle.kit.matrix.WeightFormat;
import valle.kit.plugin.LlamaShapedArch;
import valle.kit.thread.ThreadCount;

/** The plugin that builds HF-style Llama stacks, as VALL-E's {@code LlamaModel_Adapted} runs them. */
public final class LlamaArch extends LlamaShapedArch {

    /** The plugin, as the service loader makes it. */
    public LlamaArch() {
        super("llama", 10, "Llama decoder stack: RMSNorm, rotate-half RoPE, gated MLP (exact GELU or SiLU), KV cache; "
                + "weights in their file dtype or int8 (valle.llama.weights)");
    }

    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
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
