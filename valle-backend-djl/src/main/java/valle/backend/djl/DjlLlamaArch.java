package valle.backend.djl;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;
import valle.kit.plugin.LlamaShapedArch;
import valle.kit.thread.ThreadCount;

/** The {@code llama} arch on DJL NDArrays with the PyTorch engine: the same backbone as the pure-Java plugin. */
public final class DjlLlamaArch extends LlamaShapedArch {

    /**
     * The plugin, as the service loader makes it. Priority 20, between onnx's 30 and the java llama's 10: the
     * measured backbone time for a 4-second utterance (300 AR steps and 7 NAR passes) at the JVM's thread count
     * ranks it second (docs/backends.md).
     */
    public DjlLlamaArch() {
        super("llama", 20);
    }

    @Override
    public String backend() {
        return "djl";
    }

    @Override
    public Availability availability() {
        return PyTorchEngine.availability();
    }

    /** Names the engine's device, which is known once the engine has started. */
    @Override
    public String description() {
        return "Llama decoder stack on DJL NDArrays (PyTorch engine, "
                + (PyTorchEngine.availability().ok() ? PyTorchEngine.device() : "cpu") + ")";
    }

    /** {@code attention} is not used: attention runs as NDArray operations. */
    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
        return DjlLlamaBackbone.open(config, weights, ThreadCount.configured());
    }
}
