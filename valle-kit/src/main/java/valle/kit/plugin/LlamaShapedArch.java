package valle.kit.plugin;

import valle.api.Experimental;
import valle.api.arch.BackboneConfig;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;
import valle.kit.nn.LlamaShape;

/**
 * An arch plugin that runs the HF Llama stack of {@link LlamaShape} (the java {@code llama} and its native
 * backends): it supports the configs of its arch type that the shape can run, and its random weights are the
 * shape's, drawn in one order, so that every backend gets the same tensors for a seed.
 */
@Experimental("shared by the llama plugins of every backend since the kit was made")
public abstract class LlamaShapedArch extends ArchPlugin {

    /** @see DescribedPlugin#DescribedPlugin(String, int, String) */
    protected LlamaShapedArch(String name, int priority, String description) {
        super(name, priority, description);
    }

    /** @see DescribedPlugin#DescribedPlugin(String, int) */
    protected LlamaShapedArch(String name, int priority) {
        super(name, priority);
    }

    /**
     * Its own arch type, with an activation and a head width the shape runs; a refusal names the plugin with
     * its backend ({@code "llama on onnx"}) when that is not plain Java.
     */
    @Override
    public Availability supports(BackboneConfig config) {
        Availability own = super.supports(config);
        if (!own.ok()) {
            return own;
        }
        return LlamaShape.supports(config, JAVA_BACKEND.equals(backend()) ? name() : name() + " on " + backend());
    }

    /** {@link LlamaShape#randomWeights}: the same layout and the same draws for a seed on every backend. */
    @Override
    public Weights randomWeights(BackboneConfig config, long seed) {
        return LlamaShape.randomWeights(config, seed);
    }
}
