package valle.backend.onnx;

import static valle.backend.onnx.LinearSession.gaussian;
import static valle.tck.contract.Closeness.assertClose;

import ai.onnxruntime.OrtException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.tensor.WeightFormat;
import valle.kit.quant.BlockQuantizer;

/** ORT's MatMulNBits over our bytes computes the product with the weights the kit's quantiser restores. */
class MatMulNBitsLayoutTest {

    @ParameterizedTest(name = "{0} out={1} in={2} accuracy={3}")
    @CsvSource({"INT8, 5, 64, 0", "INT8, 7, 70, 0", "INT8, 3, 17, 0", "INT4, 5, 64, 0", "INT4, 7, 70, 0",
            "INT4, 4, 100, 0", "INT4, 3, 17, 0", "INT8, 9, 96, 4", "INT4, 9, 96, 4"})
    void theProductIsTheOneWithTheRestoredWeights(WeightFormat format, int out, int in, int accuracy) throws OrtException {
        SplittableRandom rnd = new SplittableRandom(out * 131L + in);
        float[] w = gaussian(rnd, out * in, 0.1f);
        int rows = 3;
        float[] x = gaussian(rnd, rows * in, 1f);
        BlockQuantizer q = OnnxWeights.quantizer(format);
        // what the product must be: x times the restored weights, in doubles
        float[] restored = new float[out * in];
        for (int r = 0; r < out; r++) {
            byte[] codes = new byte[in];
            float[] scales = new float[q.blocks(in)];
            byte[] zeroPoints = new byte[q.blocks(in)];
            q.quantize(w, r * in, in, codes, scales, zeroPoints);
            q.dequantize(codes, scales, zeroPoints, in, restored, r * in);
        }
        // accuracy 0 multiplies in float: only the summation order differs; accuracy 4 also rounds the
        // activations to int8 per block (about 1/254 of each block's largest |x|)
        double tolerance = accuracy == 0 ? 1e-5 : 0.02 * Math.sqrt(in) * 0.1;
        MatMulNBitsLayout layout = new MatMulNBitsLayout(OnnxWeights.quantizer(format), out, in);
        try (LinearSession s = LinearSession.quantised(layout, w, out, in,
                (g, input) -> layout.multiply(g, input, "w", accuracy))) {
            assertClose(LinearSession.product(x, rows, restored, out, in), s.run(x, rows), tolerance, format + " product");
        }
    }
}
