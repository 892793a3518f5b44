package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorKernelsTest {

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
            assertEquals(halvingSum(lanes), VectorKernels.sum(v), "lanes " + java.util.Arrays.toString(lanes));
        }
    }

    @Test
    void dotProductsAreTheSameColdAndWarm() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] a = ConvTest.random(rnd, 4 * 515);
        float[] b = ConvTest.random(rnd, 515);
        float[] cold = new float[5];
        VectorKernels.dot4(b, 0, a, 0, 515, cold, 0, 1);
        cold[4] = VectorKernels.squaredDistance(a, 0, b, 0, 515);
        float[] warm = new float[5];
        // enough calls for the JIT to compile (and intrinsify) the kernels
        for (int k = 0; k < 20_000; k++) {
            VectorKernels.dot4(b, 0, a, 0, 515, warm, 0, 1);
            warm[4] = VectorKernels.squaredDistance(a, 0, b, 0, 515);
        }
        assertArrayEquals(cold, warm);
    }
}
