package valle.kit.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class FloatVectorsTest {

    /** The same order on a plain array: rotate by half the lanes and add, then by a quarter, ... */
    private static float halvingSum(float[] lanes) {
        float[] v = lanes.clone();
        for (int h = v.length / 2; h >= 1; h /= 2) {
            float[] next = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                next[i] = v[i] + v[(i + h) % v.length];
            }
            v = next;
        }
        return v[0];
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** {@link FloatVectors#dot}'s order written out: lanes by column, the pairwise lane sum, then the tail. */
    private static float columnOrderDot(float[] a, float[] b, int n) {
        int lanes = FloatVectors.lanes();
        float[] acc = new float[lanes];
        int whole = n / lanes * lanes;
        for (int c = 0; c < whole; c++) {
            acc[c % lanes] = Math.fma(a[c], b[c], acc[c % lanes]);
        }
        float s = halvingSum(acc);
        for (int c = whole; c < n; c++) {
            s += a[c] * b[c];
        }
        return s;
    }

    @Test
    void theVectorApiIsPresentOnTheModulePath() {
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), VectorApi.present());
        if (FloatVectorsTest.class.getModule().isNamed()) {
            assertTrue(VectorApi.present());
        }
    }

    @Test
    void laneSumsHaveOneFixedOrder() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] lanes = new float[FloatVector.SPECIES_PREFERRED.length()];
        for (int k = 0; k < 1000; k++) {
            for (int i = 0; i < lanes.length; i++) {
                // magnitudes far apart, so that another order would round differently
                lanes[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-4, 5)));
            }
            FloatVector v = FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, lanes, 0);
            assertEquals(halvingSum(lanes), FloatVectors.sum(v), "lanes " + java.util.Arrays.toString(lanes));
        }
    }

    @Test
    void dotProductsAreTheSameColdAndWarm() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] a = random(rnd, 4 * 515);
        float[] b = random(rnd, 515);
        float[] cold = new float[5];
        FloatVectors.dot4(b, 0, a, 0, 515, cold, 0, 1);
        cold[4] = FloatVectors.squaredDistance(a, 0, b, 0, 515);
        float[] warm = new float[5];
        // enough calls for the JIT to compile (and intrinsify) the kernels
        for (int k = 0; k < 20_000; k++) {
            FloatVectors.dot4(b, 0, a, 0, 515, warm, 0, 1);
            warm[4] = FloatVectors.squaredDistance(a, 0, b, 0, 515);
        }
        assertArrayEquals(cold, warm);
    }

    @Test
    void fourRowsAtOnceSumAsOneRowDoes() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n : new int[] {1, 7, 64, 515}) {
            float[] x = random(rnd, 4 * n);
            float[] w = random(rnd, n);
            float[] four = new float[8];
            FloatVectors.dot4(w, 0, x, 0, n, four, 1, 2);
            for (int q = 0; q < 4; q++) {
                float[] row = java.util.Arrays.copyOfRange(x, q * n, (q + 1) * n);
                assertEquals(FloatVectors.dot(w, 0, x, q * n, n), four[1 + 2 * q], "n " + n + " row " + q);
                assertEquals(columnOrderDot(w, row, n), four[1 + 2 * q], "n " + n + " row " + q);
            }
        }
    }

    @Test
    void axpyFusesWholeVectorsAndAddsTheTailPlainly() {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] v = random(rnd, 37);
        float[] acc = random(rnd, 40);
        float[] expected = acc.clone();
        int whole = 37 / FloatVectors.lanes() * FloatVectors.lanes();
        for (int c = 0; c < 37; c++) {
            expected[3 + c] = c < whole ? Math.fma(v[c], 0.7f, expected[3 + c]) : expected[3 + c] + 0.7f * v[c];
        }
        FloatVectors.axpy(0.7f, v, 0, acc, 3, 37);
        assertArrayEquals(expected, acc);
    }
}
