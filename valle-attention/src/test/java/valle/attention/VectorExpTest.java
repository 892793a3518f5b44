package valle.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorExpTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void agreesWithMathExpWithinAFewUlps() {
        float[] x = new float[L];
        float[] e = new float[L];
        double worst = 0;
        // the softmax range (scores minus their maximum) and some way above it
        for (int step = 0; step <= 2_000_000; step += L) {
            for (int i = 0; i < L; i++) {
                x[i] = -87f + (87f + 88f) * (step + i) / 2_000_000f;
            }
            VectorExp.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(e, 0);
            for (int i = 0; i < L; i++) {
                double exact = Math.exp(x[i]);
                double ulps = Math.abs(e[i] - exact) / Math.ulp((float) exact);
                worst = Math.max(worst, ulps);
            }
        }
        assertTrue(worst <= 3, "worst error " + worst + " ulp");
    }

    @Test
    void underflowAndMinusInfinityGiveZeroAndZeroGivesOne() {
        float[] x = new float[L];
        float[] e = new float[L];
        x[0] = Float.NEGATIVE_INFINITY;
        if (L > 1) {
            x[1] = -1000f;
        }
        if (L > 2) {
            x[2] = -87.5f;
        }
        VectorExp.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, 0)).intoArray(e, 0);
        assertEquals(0f, e[0]);
        for (int i = 1; i < L; i++) {
            assertEquals(i < 3 ? 0f : 1f, e[i], "lane " + i);
        }
    }
}
