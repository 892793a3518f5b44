package valle.api.arch;

import valle.api.Experimental;
import valle.api.Stable;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.plugin.Plugin;
import valle.api.tensor.WeightFormat;
import valle.api.tensor.Weights;

/**
 * A backbone family plugin ({@code llama}, {@code retnet}, ...). Its {@link #name()} is the reference's
 * {@code arch_type} it implements.
 */
@Stable(since = "0.1")
public interface Arch extends Plugin {

    /** Whether this arch can build {@code config}; the default accepts its own {@code archType}. */
    default Availability supports(BackboneConfig config) {
        return config.archType().equals(name())
                ? Availability.yes()
                : Availability.no("arch '" + name() + "' does not build arch_type '" + config.archType() + "'",
                        "choose the arch plugin named '" + config.archType() + "'");
    }

    /**
     * Whether this arch stores its linear layers in {@code format} when the weights {@linkplain
     * Weights#requestedFormat() request} it; the default keeps every tensor's file dtype and refuses.
     */
    default Availability supportsFormat(WeightFormat format) {
        return Availability.no("arch '" + name() + "' keeps its weights in their file dtype and cannot store them as "
                + format.label(), "leave the weight format at '" + WeightFormat.FILE + "' or choose an arch that converts weights");
    }

    /**
     * Builds a backbone over {@code weights} (scoped to the backbone's prefix, e.g. {@code "model."}).
     * Weights stay views over the file; the arch may widen or repack them into its own buffers.
     *
     * @param attention the kernel for the backbone's attention; arches without attention ignore it
     * @throws valle.api.ModelFormatException when a tensor is missing or has the wrong shape
     */
    Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention);

    /**
     * Random weights in this arch's layout for {@code config} (benchmarks at a real size without a checkpoint,
     * tests): every tensor {@link #open} needs, drawn from {@code seed} at scales that keep activations finite.
     *
     * @throws UnsupportedOperationException when the arch cannot make them
     */
    @Experimental("the benchmark command is its first user")
    default Weights randomWeights(BackboneConfig config, long seed) {
        throw new UnsupportedOperationException("arch '" + name() + "' cannot make random weights");
    }
}
