package valle.kit.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import valle.kit.nn.Activation;
import valle.kit.thread.KernelPool;

class GatedUnitTest {

    @ParameterizedTest
    @EnumSource(Activation.class)
    void theVectorFormMatchesTheScalarDefinition(Activation activation) {
        int rows = 5;
        int f = 203;   // not a multiple of any vector length: the scalar tail runs too
        SplittableRandom rnd = new SplittableRandom(3);
        float[] gu = new float[rows * 2 * f];
        for (int i = 0; i < gu.length; i++) {
            // gate values over the range where erf and exp bend, plus exact zeros and large magnitudes
            gu[i] = i % 50 == 0 ? 0f : i % 77 == 0 ? (float) (rnd.nextDouble() * 60 - 30) : (float) (rnd.nextGaussian() * 3);
        }
        float[] simple = new float[rows * f];
        GatedUnit.applySimple(activation, gu, rows, f, simple);
        try (KernelPool pool = new KernelPool(2, "test")) {
            float[] fast = new float[rows * f];
            GatedUnit.apply(activation, gu, rows, f, fast, pool);
            for (int i = 0; i < fast.length; i++) {
                float up = gu[(i / f) * 2 * f + f + i % f];
                assertEquals(simple[i], fast[i], 1e-6f * Math.max(1f, Math.abs(simple[i])) + 3e-7f * Math.abs(up),
                        activation + " element " + i);
            }
        }
    }
}
