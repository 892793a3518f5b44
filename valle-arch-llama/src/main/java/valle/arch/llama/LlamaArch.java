package valle.arch.llama;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;

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
        return "Llama decoder stack: RMSNorm, rotate-half RoPE, gated MLP (exact GELU or SiLU), KV cache";
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
    public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability a = supports(config);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.toString());
        }
        return new LlamaBackbone(config, LlamaWeights.bind(config, weights), attention);
    }
}
