package valle.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RmsNormTest {

    @Test
    void aRowIsScaledToUnitRootMeanSquareThenWeighted() {
        float[] x = {3f, -4f};
        float[] out = new float[2];
        RmsNorm.apply(x, new float[] {1f, 2f}, 1, 2, 0f, out);
        float inv = (float) (1.0 / Math.sqrt(25f / 2));
        assertArrayEquals(new float[] {3f * inv, 2f * (-4f * inv)}, out);
    }

    @Test
    void theFusedAddEqualsAddingFirst() {
        float[] x = {0.3f, -1.7f, 2.2f, 0.01f, 5f, -0.5f};
        float[] delta = {1.1f, 0.2f, -0.9f, 3f, -2f, 0.25f};
        float[] weight = {0.9f, 1.1f, 1.3f};
        float[] added = x.clone();
        for (int i = 0; i < added.length; i++) {
            added[i] += delta[i];
        }
        float[] expected = new float[6];
        RmsNorm.apply(added, weight, 2, 3, 1e-5f, expected);
        float[] fused = new float[6];
        RmsNorm.addAndApply(x, delta, weight, 2, 3, 1e-5f, fused);
        assertArrayEquals(added, x);
        assertArrayEquals(expected, fused);
    }

    @Test
    void withoutAWeightInPlace() {
        float[] x = {1f, 1f, 2f, -2f};
        RmsNorm.apply(x, null, 2, 2, 0f, x);
        assertArrayEquals(new float[] {1f, 1f, 1f, -1f}, x);
    }

    @Test
    void theSquaresAreSummedInRowOrderInFloat32() {
        // 1e8 first: each later 1 is below half its float spacing and is lost; summed from the end the eight
        // ones would make 8 first and 1e8 + 8, a different norm
        float[] x = {1e4f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f};
        float[] out = new float[9];
        RmsNorm.apply(x, null, 1, 9, 1e-6f, out);
        assertEquals((float) (1.0 / Math.sqrt(1e8f / 9 + 1e-6f)), out[1]);
    }
}
