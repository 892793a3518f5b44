package valle.backend.onnx;

import valle.api.tensor.WeightFormat;
import valle.api.tensor.Weights;

/**
 * The ONNX llama under the backbone contract with its linear layers in int4 ({@code MatMulNBits}): a batched
 * pass stacks the sequences' rows through them as in float32, so each sequence must still get its own pass's bits.
 */
class OnnxLlamaInt4BackboneTest extends OnnxLlamaBackboneTest {
    @Override
    protected Weights weights() {
        return super.weights().requesting(WeightFormat.INT4);
    }
}
