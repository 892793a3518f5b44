package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.kit.thread.KernelPool;
import valle.kit.vector.VectorApi;

class DenseTest {

    @ParameterizedTest(name = "out {0} in {1} rows {2}")
    @CsvSource({"1, 1, 1", "7, 7, 3", "65, 16, 5", "130, 17, 9", "1282, 32, 14", "2048, 512, 1", "3, 1024, 2"})
    void theFastPathMatchesTheSimpleOne(int out, int in, int rows) {
        SplittableRandom rnd = new SplittableRandom(out * 31L + in);
        Dense dense = new Dense(out, in, ConvTest.random(rnd, out * in), ConvTest.random(rnd, out));
        float[] x = ConvTest.random(rnd, rows * in);
        float[] simple = new float[rows * out];
        dense.applySimple(x, rows, simple);
        float[] scalar = dense.applyScalar(x, rows);
        for (int i = 0; i < scalar.length; i++) {
            assertEquals(simple[i], scalar[i], 1e-5 * Math.max(1, Math.sqrt(in)), "scalar element " + i);
        }
        try (KernelPool par = new KernelPool(2, "test")) {
            for (KernelPool p : new KernelPool[] {null, par}) {
                float[] fast = dense.apply(x, rows, p);
                for (int i = 0; i < fast.length; i++) {
                    assertEquals(simple[i], fast[i], 1e-5 * Math.max(1, Math.sqrt(in)), "element " + i);
                }
            }
        }
    }

    @Test
    void theModulePathRunUsesTheVectorApi() {
        // the module requires jdk.incubator.vector, so surefire's module-path run must take the vector path
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), VectorApi.present());
        if (DenseTest.class.getModule().isNamed()) {
            assertTrue(VectorApi.present());
        }
    }

    @Test
    void distanceMatchesItsLoop() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int n : new int[] {1, 5, 8, 17, 128}) {
            float[] a = ConvTest.random(rnd, n + 3);
            float[] b = ConvTest.random(rnd, n);
            assertEquals(Distance.squaredScalar(a, 3, b, 0, n), Distance.squared(a, 3, b, 0, n), 1e-5);
        }
    }
}
