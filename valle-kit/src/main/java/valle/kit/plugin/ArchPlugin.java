package valle.kit.plugin;

import valle.api.Stable;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;

/**
 * An arch plugin's descriptor and the check every arch makes before building: {@link #open} refuses a config
 * that {@link #supports} turns down, with its reason, and hands the others to {@link #openSupported}.
 */
@Stable(since = "0.1")
public abstract class ArchPlugin extends DescribedPlugin implements Arch {

    /** @see DescribedPlugin#DescribedPlugin(String, int, String) */
    protected ArchPlugin(String name, int priority, String description) {
        super(name, priority, description);
    }

    /** @see DescribedPlugin#DescribedPlugin(String, int) */
    protected ArchPlugin(String name, int priority) {
        super(name, priority);
    }

    /**
     * Builds the backbone once {@link #supports} accepts {@code config}.
     *
     * @throws IllegalArgumentException with {@link #supports}'s reason when it does not
     */
    @Override
    public final Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability supported = supports(config);
        if (!supported.ok()) {
            throw new IllegalArgumentException(supported.toString());
        }
        return openSupported(config, weights, attention);
    }

    /**
     * Builds a backbone over {@code weights} for a config {@link #supports} accepts (see {@link Arch#open}).
     *
     * @param attention the kernel for the backbone's attention; arches without attention ignore it
     * @throws valle.api.ModelFormatException when a tensor is missing or has the wrong shape
     */
    protected abstract Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention);
}
