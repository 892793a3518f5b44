package valle.backend.onnx;

import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;
import valle.kit.nn.LlamaShape;
import valle.kit.thread.ThreadCount;

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
     * steps and 7 NAR passes) at the JVM's thread count (docs/backends.md).
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
        return own.ok() ? LlamaShape.supports(config, "llama on onnx") : own;
    }

    /** The java llama's random weights (same layout, same draws for a seed). */
    @Override
    public Weights randomWeights(BackboneConfig config, long seed) {
        return LlamaShape.randomWeights(config, seed);
    }

    /** {@code attention} is not used: attention is part of the ONNX graph. */
    @Override
    public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
        Availability a = supports(config);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.toString());
        }
        return OnnxLlamaBackbone.open(config, weights, ThreadCount.configured());
    }
}
