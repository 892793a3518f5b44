package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WeightNormTest {

    @Test
    void eachSliceOfTheFirstAxisGetsNormG() {
        // a transposed conv's v is [in = 2, out = 3, k = 2]: one norm per INPUT channel, over 6 values each
        float[] v = {1, 2, 3, 4, 5, 6, -1, 0, 0, 0, 0, 0};
        float[] g = {2, 0.5f};
        float[] w = WeightNorm.fold(g, v);
        double n0 = Math.sqrt(1 + 4 + 9 + 16 + 25 + 36);
        for (int i = 0; i < 6; i++) {
            assertEquals(2 * v[i] / n0, w[i], 1e-6);
        }
        assertEquals(-0.5f, w[6], 1e-7);
        double sq = 0;
        for (int i = 0; i < 6; i++) {
            sq += w[i] * w[i];
        }
        assertEquals(2.0, Math.sqrt(sq), 1e-6);
    }
}
