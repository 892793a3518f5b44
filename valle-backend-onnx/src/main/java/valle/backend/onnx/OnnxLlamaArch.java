package valle.backend.onnx;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;

/**
 * The {@code llama} arch on ONNX Runtime: the same backbone as the pure-Java {@code llama} plugin, as ONNX
 * graphs built from the checkpoint when it is opened (no export step) and run by ORT.
 */
public final class OnnxLlamaArch implements Arch {

    @Override
    public String name() {
        return "llama";
    }

    @Override
    public String backend() {
        return "onnx";
    }

    /**
     * Above djl's 20 and the java llama's 10: the least measured backbone time for a 4-second utterance (300 AR
     * steps and 7 NAR passes) at the JVM's thread count (README, "Backends").
     */
    @Override
    public int priority() {
        return 30;
    }

    @Override
    public Availability availability() {
        return OrtRuntime.availability();
    }

    @Override
    public String description() {
        return "Llama decoder stack as one ONNX graph (KV cache as inputs) on ONNX Runtime's "
                + (OrtRuntime.availability().ok() && OrtRuntime.hasCuda() ? "CUDA" : "CPU") + " provider";
    }

    @Override
    public Availability supports(BackboneConfig config) {
        Availability own = Arch.super.supports(config);
        if (!own.ok()) {
            return own;
        }
        if (!LlamaGraph.knowsActivation(config.activation())) {
            return Availability.no("llama on onnx has no activation '" + config.activation() + "'", "use gelu or silu");
        }
        if (config.headDim() % 2 != 0) {
            return Availability.no("rotary embeddings need an even head width, got " + config.headDim(), "");
        }
        return Availability.yes();
    }

    /** The java llama's random weights (same layout, same draws for a seed): every spec in binding order. */
    @Override
    public Weights randomWeights(BackboneConfig config, long seed) {
        RandomTensors t = new RandomTensors(seed);
        for (LlamaGraph.WeightSpec w : LlamaGraph.weights(config)) {
            int[] shape = w.shape();
            if (shape.length == 1) {
                t.around(w.name(), 1, 0.2, shape[0]);
            } else {
                t.linear(w.name(), shape[0], shape[1]);
            }
        }
        return t.build("random llama weights");
    }

    /** {@code attention} is not used: attention is part of the ONNX graph. */
    @Override
    public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability a = supports(config);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.toString());
        }
        return OnnxLlamaBackbone.open(config, weights, Runtime.getRuntime().availableProcessors());
    }
}
