package valle.backend.onnx;

import static valle.tck.contract.Closeness.assertClose;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
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
        float[] expected = new float[rows * out];
        for (int t = 0; t < rows; t++) {
            for (int r = 0; r < out; r++) {
                double sum = 0;
                for (int j = 0; j < in; j++) {
                    sum += (double) x[t * in + j] * restored[r * in + j];
                }
                expected[t * out + r] = (float) sum;
            }
        }
        // accuracy 0 multiplies in float: only the summation order differs; accuracy 4 also rounds the
        // activations to int8 per block (about 1/254 of each block's largest |x|)
        double tolerance = accuracy == 0 ? 1e-5 : 0.02 * Math.sqrt(in) * 0.1;
        assertClose(expected, run(format, out, in, accuracy, w, x, rows), tolerance, format + " product");
    }

    private static float[] run(WeightFormat format, int out, int in, int accuracy, float[] w, float[] x, int rows)
            throws OrtException {
        MatMulNBitsLayout layout = new MatMulNBitsLayout(OnnxWeights.quantizer(format), out, in);
        OnnxGraph g = new OnnxGraph("nbits");
        g.input("x", "T", in);
        layout.declare(g, "w");
        g.nodeWithOutputs("Identity", new String[] {layout.multiply(g, "x", "w", accuracy)}, new String[] {"y"});
        g.output("y", "T", out);
        OrtEnvironment env = OrtRuntime.environment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(layout.codesBytes());
            MemorySegment scales = arena.allocate(layout.scalesBytes(), Float.BYTES);
            MemorySegment zeroPoints = arena.allocate(Math.max(1, layout.zeroPointsBytes()));
            float[] row = new float[in];
            for (int r = 0; r < out; r++) {
                System.arraycopy(w, r * in, row, 0, in);
                layout.writeRow(r, row, codes, scales, zeroPoints);
            }
            Map<String, OnnxTensor> weights = new HashMap<>();
            weights.put("w", OnnxTensor.createTensor(env, codes.asByteBuffer(), longs(layout.codesShape()), OnnxJavaType.UINT8));
            weights.put(QuantisedLinear.scalesName("w"), OnnxTensor.createTensor(env,
                    scales.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer(), longs(layout.scalesShape())));
            if (layout.hasZeroPoints()) {
                weights.put(QuantisedLinear.zeroPointsName("w"), OnnxTensor.createTensor(env,
                        zeroPoints.asByteBuffer(), longs(layout.zeroPointsShape()), OnnxJavaType.UINT8));
            }
            try (OrtSession s = OrtRuntime.session(env, g.toBytes(), weights, 1);
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, in});
                 OrtSession.Result result = s.run(Map.of("x", input))) {
                float[] y = new float[rows * out];
                ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer().get(y);
                return y;
            } finally {
                weights.values().forEach(OnnxTensor::close);
            }
        }
    }

    private static long[] longs(int[] shape) {
        return java.util.Arrays.stream(shape).asLongStream().toArray();
    }

    private static float[] gaussian(SplittableRandom rnd, int n, float sigma) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian() * sigma;
        }
        return out;
    }
}
