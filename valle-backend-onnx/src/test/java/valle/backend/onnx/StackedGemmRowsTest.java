package valle.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What a batched llama pass rests on: a session's f32 {@code Gemm} over the weights handed to it (which ORT
 * copies and pre-packs) gives a row the same bits alone and stacked with other rows, so the sequences of a
 * batched pass can share each linear layer.
 */
class StackedGemmRowsTest {
    @Test
    void aRowAloneAndAmongOthersGivesTheSameBits() throws Exception {
        int out = 4096;
        int in = 1024;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] w = LinearSession.gaussian(rnd, out * in, 0.05f);
        float[] rows = LinearSession.gaussian(rnd, 7 * in, 1f);
        try (LinearSession s = LinearSession.float32(w, out, in)) {
            float[] alone = s.run(Arrays.copyOf(rows, in), 1);
            for (int stacked = 2; stacked <= 7; stacked++) {
                float[] together = s.run(Arrays.copyOf(rows, stacked * in), stacked);
                assertArrayEquals(alone, Arrays.copyOf(together, out), "row 0 alone and among " + stacked + " rows");
            }
        }
    }
}
