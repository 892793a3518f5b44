package valle.backend.onnx;

import static valle.tck.contract.Closeness.assertClose;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
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
        float[] expected = new float[rows * out];
        float largestX = 0;
        for (float v : x) {
            largestX = Math.max(largestX, Math.abs(v));
        }
        for (int t = 0; t < rows; t++) {
            for (int r = 0; r < out; r++) {
                double sum = 0;
                for (int j = 0; j < in; j++) {
                    sum += (double) x[t * in + j] * restored[r * in + j];
                }
                expected[t * out + r] = (float) sum;
            }
        }
        // the activations are rounded to uint8 over the whole input: each off by up to half of (range / 255)
        double tolerance = 0.5 * (2 * largestX / 255) * in * 0.1 * 3 / Math.sqrt(in) + 1e-5;
        assertClose(expected, run(out, in, w, x, rows), tolerance, "int8 product");
    }

    private static float[] run(int out, int in, float[] w, float[] x, int rows) throws OrtException {
        DynamicInt8Layout layout = new DynamicInt8Layout(out, in);
        OnnxGraph g = new OnnxGraph("int8");
        g.input("x", "T", in);
        layout.declare(g, "w");
        g.nodeWithOutputs("Identity", new String[] {layout.multiply(g, "x", "w")}, new String[] {"y"});
        g.output("y", "T", out);
        OrtEnvironment env = OrtRuntime.environment();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(layout.codesBytes());
            MemorySegment scales = arena.allocate(layout.scalesBytes(), Float.BYTES);
            float[] row = new float[in];
            for (int r = 0; r < out; r++) {
                System.arraycopy(w, r * in, row, 0, in);
                layout.writeRow(r, row, codes, scales, MemorySegment.NULL);
            }
            Map<String, OnnxTensor> weights = new HashMap<>();
            weights.put("w", OnnxTensor.createTensor(env, codes.asByteBuffer(), longs(layout.codesShape()), layout.codesType()));
            weights.put(QuantisedLinear.scalesName("w"), OnnxTensor.createTensor(env,
                    scales.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer(), longs(layout.scalesShape())));
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
        return Arrays.stream(shape).asLongStream().toArray();
    }

    private static float[] gaussian(SplittableRandom rnd, int n, float sigma) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian() * sigma;
        }
        return out;
    }
}
