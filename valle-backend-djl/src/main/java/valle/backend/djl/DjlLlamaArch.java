package valle.backend.djl;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;

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

    /** Between the java llama's 10 and onnx's 30: measured (README, "Backends"). */
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
        if (!own.ok()) {
            return own;
        }
        if (!DjlLlamaBackbone.knowsActivation(config.activation())) {
            return Availability.no("llama on djl has no activation '" + config.activation() + "'", "use gelu or silu");
        }
        if (config.headDim() % 2 != 0) {
            return Availability.no("rotary embeddings need an even head width, got " + config.headDim(), "");
        }
        return Availability.yes();
    }

    /** {@code attention} is not used: attention runs as NDArray operations. */
    @Override
    public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability a = supports(config);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.toString());
        }
        return DjlLlamaBackbone.open(config, weights, Runtime.getRuntime().availableProcessors());
    }
}
