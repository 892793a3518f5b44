package valle.backend.djl;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.RandomTensors;
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

    /**
     * Between onnx's 30 and the java llama's 10: the measured backbone time for a 4-second utterance (300 AR steps
     * and 7 NAR passes) at the JVM's thread count ranks it second (README, "Backends").
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

    /** The java llama's random weights: the same layout, drawn in the same order, so equal for a seed. */
    @Override
    public Weights randomWeights(BackboneConfig c, long seed) {
        int d = c.hiddenSize();
        int kv = c.kvHeads() * c.headDim();
        int f = c.intermediateSize();
        RandomTensors t = new RandomTensors(seed);
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            t.around(p + "input_layernorm.weight", 1, 0.2, d)
                    .linear(p + "self_attn.q_proj.weight", d, d)
                    .linear(p + "self_attn.k_proj.weight", kv, d)
                    .linear(p + "self_attn.v_proj.weight", kv, d)
                    .linear(p + "self_attn.o_proj.weight", d, d)
                    .around(p + "post_attention_layernorm.weight", 1, 0.2, d)
                    .linear(p + "mlp.gate_proj.weight", f, d)
                    .linear(p + "mlp.up_proj.weight", f, d)
                    .linear(p + "mlp.down_proj.weight", d, f);
        }
        return t.around("norm.weight", 1, 0.2, d).build("random llama weights");
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
