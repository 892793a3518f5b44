package valle.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

class ScoresTest {

    @ParameterizedTest(name = "headDim {0}")
    @ValueSource(ints = {1, 7, 16, 64, 100})
    void theVectorFormsMatchThePlainLoops(int d) {
        if (ScoresTest.class.getModule().isNamed()) {
            assertTrue(Scores.vectorized(), "the module requires the Vector API, so the fast forms must be on");
        }
        SplittableRandom rnd = new SplittableRandom(d);
        int rows = 3;
        int heads = 4;
        int kvHeads = 2;
        float[] q = random(rnd, rows * heads * d);
        float[] k = random(rnd, rows * kvHeads * d);
        float[] v = random(rnd, rows * kvHeads * d);
        AttentionProblem p = AttentionProblem.of(q, k, v, rows, rows, heads, kvHeads, d, AttentionMask.none());
        for (int i = 0; i < rows; i++) {
            for (int h = 0; h < heads; h++) {
                for (int j = 0; j < rows; j++) {
                    float plain = Scores.score(p, null, i, h, j, 0, rows, false);
                    float fast = Scores.score(p, null, i, h, j, 0, rows, true);
                    assertEquals(plain, fast, 1e-6 * d, "score " + i + "," + h + "," + j);
                    float[] a = random(new SplittableRandom(i), d);
                    float[] b = a.clone();
                    Scores.addValue(p, h, j, 0.37f, a, 0, false);
                    Scores.addValue(p, h, j, 0.37f, b, 0, true);
                    for (int c = 0; c < d; c++) {
                        assertEquals(a[c], b[c], 1e-6, "value " + c);
                    }
                }
            }
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
