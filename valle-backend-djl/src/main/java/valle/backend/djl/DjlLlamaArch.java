package valle.backend.djl;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;
import valle.kit.nn.LlamaShape;
import valle.kit.thread.ThreadCount;

/** The {@code llama} arch on DJL NDArrays with the PyTorch engine: the same backbone as the pure-Java plugin. */
public final class DjlLlamaArch implements Arch {

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public String backend() {
        return "djl";
    }

    /**
     * Between onnx's 30 and the java llama's 10: the measured backbone time for a 4-second utterance (300 AR steps
     * and 7 NAR passes) at the JVM's thread count ranks it second (docs/backends.md).
     */
    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Availability availability() {
        return PyTorchEngine.availability();
    }

    @Override
    public String description() {
        return "Llama decoder stack on DJL NDArrays (PyTorch engine, "
                + (PyTorchEngine.availability().ok() ? PyTorchEngine.device() : "cpu") + ")";
    }

    @Override
    public Availability supports(BackboneConfig config) {
        Availability own = Arch.super.supports(config);
        return own.ok() ? LlamaShape.supports(config, "llama on djl") : own;
    }

    /** The java llama's random weights: the same layout, drawn in the same order, so equal for a seed. */
    @Override
    public Weights randomWeights(BackboneConfig c, long seed) {
        return LlamaShape.randomWeights(c, seed);
    }

    /** {@code attention} is not used: attention runs as NDArray operations. */
    @Override
    public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability a = supports(config);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.toString());
        }
        return DjlLlamaBackbone.open(config, weights, ThreadCount.configured());
    }
}
