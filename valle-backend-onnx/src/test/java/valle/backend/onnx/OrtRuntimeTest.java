package valle.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static valle.backend.onnx.LinearSession.gaussian;

import ai.onnxruntime.OrtException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.tensor.WeightFormat;

/**
 * What the llama backbone relies on to free its loaded weights once its session is made: ORT copies the weights
 * handed as external initializers (or packs them) into memory of its own, for one-row and many-row products, so
 * that overwriting the handed memory afterwards changes nothing.
 */
class OrtRuntimeTest {

    @ParameterizedTest
    @ValueSource(strings = {"f32", "int8", "int4"})
    void aSessionNoLongerReadsTheWeightsItWasHanded(String format) throws OrtException {
        int out = 48;
        int in = 256;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] w = gaussian(rnd, out * in, 0.1f);
        try (LinearSession s = open(WeightFormat.parse(format), w, out, in)) {
            for (int rows : new int[] {1, 40}) {
                float[] x = gaussian(rnd, rows * in, 1f);
                float[] before = s.run(x, rows);
                s.overwriteHandedWeights((byte) 0x7f);
                assertArrayEquals(before, s.run(x, rows), format + ", " + rows + " rows");
            }
        }
    }

    /**
     * The brief spin of the session that runs quantised decode steps changes when the pool threads sleep, not
     * what they compute: one-row int8 products on two threads, spinning or not, give the same bits.
     */
    @org.junit.jupiter.api.Test
    void spinningPoolThreadsGiveTheSameProducts() throws OrtException {
        int out = 4096;
        int in = 1024;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] w = gaussian(rnd, out * in, 0.05f);
        DynamicInt8Layout layout = new DynamicInt8Layout(out, in);
        try (LinearSession sleeping = LinearSession.quantised(layout, w, out, in, (g, x) -> layout.multiply(g, x, "w"), 2, 0);
             LinearSession spinning = LinearSession.quantised(new DynamicInt8Layout(out, in), w, out, in,
                     (g, x) -> layout.multiply(g, x, "w"), 2, OrtRuntime.DECODE_SPIN_MICROS)) {
            for (int call = 0; call < 5; call++) {
                float[] x = gaussian(rnd, in, 1f);
                assertArrayEquals(sleeping.run(x, 1), spinning.run(x, 1), "call " + call);
            }
        }
    }

    /** The linear layer as the llama graph has it in {@code format}. */
    private static LinearSession open(WeightFormat format, float[] w, int out, int in) throws OrtException {
        return switch (format) {
            case F32 -> LinearSession.float32(w, out, in);
            case INT8 -> {
                DynamicInt8Layout layout = new DynamicInt8Layout(out, in);
                yield LinearSession.quantised(layout, w, out, in, (g, x) -> layout.multiply(g, x, "w"));
            }
            default -> {
                MatMulNBitsLayout layout = new MatMulNBitsLayout(OnnxWeights.quantizer(format), out, in);
                yield LinearSession.quantised(layout, w, out, in, (g, x) -> layout.multiply(g, x, "w"));
            }
        };
    }
}
