package valle.backend.onnx;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.WeightFormat;
import valle.api.tensor.Weights;
import valle.kit.plugin.LlamaShapedArch;
import valle.kit.thread.ThreadCount;

/**
 * The {@code llama} arch on ONNX Runtime: the same backbone as the pure-Java {@code llama} plugin, as ONNX
 * graphs built from the checkpoint when it is opened (no export step) and run by ORT.
 */
public final class OnnxLlamaArch extends LlamaShapedArch {

    /**
     * The plugin, as the service loader makes it. Priority 30, above djl's 20 and the java llama's 10: the least
     * measured backbone time for a 4-second utterance (300 AR steps and 7 NAR passes) at the JVM's thread count
     * (docs/backends.md).
     */
    public OnnxLlamaArch() {
        super("llama", 30);
    }

    @Override
    public String backend() {
        return "onnx";
    }

    @Override
    public Availability availability() {
        return OrtRuntime.availability();
    }

    /** Names ORT's execution provider, which is known once the runtime has loaded. */
    @Override
    public String description() {
        return "Llama decoder stack as one ONNX graph (KV cache as inputs) on ONNX Runtime's "
                + (OrtRuntime.availability().ok() && OrtRuntime.hasCuda() ? "CUDA" : "CPU") + " provider";
    }

    /**
     * f32, and int8 and int4 quantised at load (int8 for {@code DynamicQuantizeMatMul}, int4 for {@code MatMulNBits}); not bf16 or f16, for which ORT's CPU
     * provider has no kernels that read them without widening (which f32 already is).
     */
    @Override
    public Availability supportsFormat(WeightFormat format) {
        return switch (format) {
            case F32, INT8, INT4 -> Availability.yes();
            case BF16, F16 -> Availability.no("the onnx llama stores weights as f32, int8 or int4, not " + format.label(),
                    "use --backend java for " + format.label() + " weights, or --weight-dtype int8, int4 or f32 on onnx");
        };
    }

    /**
     * The linear layers in the requested format (the file's dtype, when none is requested, is widened to f32);
     * {@code attention} is not used: attention is part of the ONNX graph.
     */
    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
        return OnnxLlamaBackbone.open(config, weights, weights.requestedFormat().orElse(WeightFormat.F32),
                ThreadCount.configured());
    }
}
