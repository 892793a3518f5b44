package valle.arch.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.tensor.ArrayTensor;

class DenseLinearTest {

    @ParameterizedTest(name = "out={0} in={1} rows={2}")
    @CsvSource({"1, 1, 1", "7, 7, 3", "33, 15, 4", "65, 16, 5", "130, 17, 9", "64, 33, 1", "200, 64, 8", "3, 1024, 2"})
    void theFastPathMatchesTheSimpleOneOnAwkwardSizes(int out, int in, int rows) {
        SplittableRandom rnd = new SplittableRandom(out * 31L + in);
        DenseLinear linear = new DenseLinear(new ArrayTensor("w", new int[] {out, in}, random(rnd, out * in)));
        float[] x = random(rnd, rows * in);
        float[] simple = new float[rows * out];
        linear.applySimple(x, rows, simple);
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            for (ForkJoinPool p : new ForkJoinPool[] {null, pool}) {
                float[] fast = new float[rows * out];
                linear.apply(x, rows, fast, p);
                for (int i = 0; i < fast.length; i++) {
                    // only the summation order differs
                    assertEquals(simple[i], fast[i], 1e-5 * Math.max(1, Math.sqrt(in)), "element " + i);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theModulePathRunUsesTheVectorApi() {
        // the module requires jdk.incubator.vector, so surefire's module-path run must take the fast path
        assertTrue(DenseLinear.vectorized() == ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        if (DenseLinearTest.class.getModule().isNamed()) {
            assertTrue(DenseLinear.vectorized());
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
