package valle.arch.llama;

import valle.api.tensor.WeightFormat;
import valle.api.tensor.Weights;

/**
 * The llama backbone under the backbone contract with its linear layers stored in bf16: that format's kernels must
 * keep a batched pass's sequences bit for bit what their own passes give, as f32's do.
 */
class LlamaBf16BackboneTest extends LlamaBackboneTest {
    @Override
    protected Weights weights() {
        return super.weights().requesting(WeightFormat.BF16);
    }
}
