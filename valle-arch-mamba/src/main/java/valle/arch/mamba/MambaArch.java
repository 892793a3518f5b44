package valle.arch.mamba;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;

/**
 * The plugin that builds VALL-E's Mamba backbone: HF {@code MambaModel} (v1) as the reference configures it,
 * run on its slow path's math. Mamba2 is not provided: the reference runs it on CUDA only (its Triton norms
 * allocate on the GPU) and only for a 2048-wide model, so there is nothing on the CPU to match.
 */
public final class MambaArch implements Arch {

    @Override
    public String name() {
        return "mamba";
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
        return "Mamba v1 stack: RMSNorm, causal depthwise conv, selective scan, gated output; constant-size decode state";
    }

    /** The attention kernel is ignored: Mamba has no attention. */
    @Override
    public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability a = supports(config);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.toString());
        }
        return new MambaBackbone(config, MambaWeights.bind(config, weights));
    }
}
