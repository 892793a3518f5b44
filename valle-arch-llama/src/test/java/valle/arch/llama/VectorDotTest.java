package valle.arch.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorDotTest {

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-3, 4)));
        }
        return x;
    }

    @Test
    void laneSumsAddHalvesPairwise() {
        SplittableRandom rnd = new SplittableRandom(11);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        for (int k = 0; k < 1000; k++) {
            float[] v = random(rnd, lanes);
            float[] expected = v.clone();
            for (int h = lanes / 2; h >= 1; h /= 2) {
                float[] next = new float[lanes];
                for (int i = 0; i < lanes; i++) {
                    next[i] = expected[i] + expected[(i + h) % lanes];
                }
                expected = next;
            }
            assertEquals(expected[0], VectorDot.sum(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, v, 0)));
        }
    }

    @Test
    void theSameBitsColdAndWarm() {
        SplittableRandom rnd = new SplittableRandom(13);
        float[] w = random(rnd, 1027);
        float[] x = random(rnd, 4 * 1027);
        float[] cold = new float[5];
        VectorDot.dot4(w, 0, x, 0, 1027, cold, 0, 1);
        cold[4] = VectorDot.dot(w, 0, x, 0, 1027);
        float[] warm = new float[5];
        // enough calls for the JIT to compile and intrinsify them
        for (int k = 0; k < 20_000; k++) {
            VectorDot.dot4(w, 0, x, 0, 1027, warm, 0, 1);
            warm[4] = VectorDot.dot(w, 0, x, 0, 1027);
        }
        assertArrayEquals(cold, warm);
    }
}
