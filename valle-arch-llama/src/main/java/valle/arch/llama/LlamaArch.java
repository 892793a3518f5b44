package valle.arch.llama;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;
import valle.api.tensor.WeightFormat;
import valle.kit.plugin.LlamaShapedArch;
import valle.kit.thread.ThreadCount;

/** The plugin that builds HF-style Llama stacks, as VALL-E's {@code LlamaModel_Adapted} runs them. */
public final class LlamaArch extends LlamaShapedArch {

    /** The plugin, as the service loader makes it. */
    public LlamaArch() {
        super("llama", 10, "Llama decoder stack: RMSNorm, rotate-half RoPE, gated MLP (exact GELU or SiLU), KV cache; "
                + "weights in their file dtype, f32, bf16, f16, int8 or int4");
    }

    /** Every format: the kit's packed matrices store them all. */
    @Override
    public Availability supportsFormat(WeightFormat format) {
        return Availability.yes();
    }

    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
        return new LlamaBackbone(config, LlamaWeights.bind(config, weights, weights.requestedFormat().orElse(null)),
                attention, ThreadCount.configured());
    }
}
