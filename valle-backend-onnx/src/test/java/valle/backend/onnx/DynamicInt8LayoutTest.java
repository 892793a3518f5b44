package valle.backend.onnx;

import static valle.backend.onnx.LinearSession.gaussian;
import static valle.tck.contract.Closeness.assertClose;

import ai.onnxruntime.OrtException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.tensor.WeightFormat;
import valle.kit.quant.BlockQuantizer;

/** ORT's DynamicQuantizeMatMul over our bytes computes the product with the weights the kit's quantiser restores. */
class DynamicInt8LayoutTest {

    @ParameterizedTest(name = "out={0} in={1} rows={2}")
    @CsvSource({"5, 64, 3", "7, 70, 1", "3, 17, 4", "96, 48, 9"})
    void theProductIsTheOneWithTheRestoredWeights(int out, int in, int rows) throws OrtException {
        SplittableRandom rnd = new SplittableRandom(out * 131L + in);
        float[] w = gaussian(rnd, out * in, 0.1f);
        float[] x = gaussian(rnd, rows * in, 1f);
        // the kit's int8 with one block a row restores each weight row
        BlockQuantizer q = BlockQuantizer.of(WeightFormat.INT8, in);
        float[] restored = new float[out * in];
        for (int r = 0; r < out; r++) {
            byte[] codes = new byte[in];
            float[] scales = new float[1];
            byte[] zeroPoints = new byte[1];
            q.quantize(w, r * in, in, codes, scales, zeroPoints);
            q.dequantize(codes, scales, zeroPoints, in, restored, r * in);
        }
        float largestX = 0;
        for (float v : x) {
            largestX = Math.max(largestX, Math.abs(v));
        }
        // the activations are rounded to uint8 over the whole input: each off by up to half of (range / 255)
        double tolerance = 0.5 * (2 * largestX / 255) * in * 0.1 * 3 / Math.sqrt(in) + 1e-5;
        DynamicInt8Layout layout = new DynamicInt8Layout(out, in);
        try (LinearSession s = LinearSession.quantised(layout, w, out, in, (g, input) -> layout.multiply(g, input, "w"))) {
            assertClose(LinearSession.product(x, rows, restored, out, in), s.run(x, rows), tolerance, "int8 product");
        }
    }
}
