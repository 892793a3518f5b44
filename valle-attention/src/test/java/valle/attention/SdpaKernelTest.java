package valle.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

class SdpaKernelTest {
    private final SdpaKernel kernel = new SdpaKernel();

    @ParameterizedTest(name = "tq={0} tk={1} heads={2}/{3} d={4} mask={5}")
    @CsvSource({
            "1, 1, 1, 1, 8, none",
            "7, 7, 4, 4, 8, causal",
            "5, 9, 4, 2, 16, decode",
            "1, 33, 4, 1, 64, decode",
            "6, 6, 2, 2, 8, padding",
            "4, 10, 4, 4, 8, bias",
            "9, 9, 4, 4, 8, window",
    })
    void matchesFloat64OracleForEveryMask(int tq, int tk, int heads, int kvHeads, int d, String maskKind) {
        SplittableRandom rnd = new SplittableRandom(tq * 31L + tk);
        float[] q = random(rnd, tq * heads * d);
        float[] k = random(rnd, tk * kvHeads * d);
        float[] v = random(rnd, tk * kvHeads * d);
        AttentionMask mask = switch (maskKind) {
            case "none" -> AttentionMask.none();
            case "causal" -> AttentionMask.causal(0);
            case "decode" -> AttentionMask.causal(tk - tq);
            case "padding" -> new AttentionMask.KeyPadding(4);
            case "window" -> new AttentionMask.SlidingWindow(0, 3);
            case "bias" -> new AttentionMask.Bias(random(rnd, tq * tk));
            default -> throw new IllegalArgumentException(maskKind);
        };
        AttentionProblem p = AttentionProblem.of(q, k, v, tq, tk, heads, kvHeads, d, mask);
        float[] out = new float[p.outputSize()];
        float[] lse = new float[tq * heads];
        kernel.attend(p, out, lse);

        double[] expectedLse = new double[tq * heads];
        double[] expected = oracle(p, expectedLse);
        for (int i = 0; i < out.length; i++) {
            assertEquals(expected[i], out[i], 1e-5 + 1e-4 * Math.abs(expected[i]), "output element " + i);
        }
        for (int i = 0; i < lse.length; i++) {
            assertEquals(expectedLse[i], lse[i], 1e-4, "log-sum-exp row " + i);
        }
    }

    @Test
    void hiddenKeysAreNeverRead() {
        int t = 5;
        int d = 4;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] q = random(rnd, t * d);
        float[] k = random(rnd, t * d);
        float[] v = random(rnd, t * d);
        float[] out = new float[t * d];
        kernel.attend(AttentionProblem.of(q, k, v, 1, t, 1, 1, d, new AttentionMask.KeyPadding(2)), out, null);
        // keys and values past the valid length are NaN: a kernel that multiplies them by 0 instead of
        // skipping them gives NaN
        float[] nanV = v.clone();
        float[] nanK = k.clone();
        for (int j = 2; j < t; j++) {
            for (int c = 0; c < d; c++) {
                nanV[j * d + c] = Float.NaN;
                nanK[j * d + c] = Float.NaN;
            }
        }
        float[] out2 = new float[t * d];
        kernel.attend(AttentionProblem.of(q, nanK, nanV, 1, t, 1, 1, d, new AttentionMask.KeyPadding(2)), out2, null);
        for (int c = 0; c < d; c++) {
            assertEquals(out[c], out2[c], 0f);
        }
    }

    @Test
    void fullyMaskedRowGivesZeroAndMinusInfinity() {
        float[] q = {1, 2};
        float[] kv = {3, 4};
        float[] out = {9, 9};
        float[] lse = {0};
        kernel.attend(AttentionProblem.of(q, kv, kv, 1, 1, 1, 1, 2, new AttentionMask.KeyPadding(0)), out, lse);
        assertEquals(0f, out[0]);
        assertEquals(0f, out[1]);
        assertEquals(Float.NEGATIVE_INFINITY, lse[0]);
    }

    @Test
    void addingAConstantToEveryScoreChangesNothing() {
        SplittableRandom rnd = new SplittableRandom(3);
        int tq = 3;
        int tk = 6;
        int d = 8;
        float[] q = random(rnd, tq * d);
        float[] k = random(rnd, tk * d);
        float[] v = random(rnd, tk * d);
        float[] bias = new float[tq * tk];
        // exp(100) overflows float32: only a max-subtracting softmax survives this
        java.util.Arrays.fill(bias, 100f);
        float[] plain = new float[tq * d];
        float[] shifted = new float[tq * d];
        kernel.attend(AttentionProblem.of(q, k, v, tq, tk, 1, 1, d, AttentionMask.none()), plain, null);
        kernel.attend(AttentionProblem.of(q, k, v, tq, tk, 1, 1, d, new AttentionMask.Bias(bias)), shifted, null);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i], shifted[i], 1e-4);
        }
        assertTrue(Float.isFinite(shifted[0]));
    }

    private static double[] oracle(AttentionProblem p, double[] lse) {
        int d = p.headDim();
        int group = p.heads() / p.kvHeads();
        double[] out = new double[p.outputSize()];
        for (int i = 0; i < p.queries(); i++) {
            for (int h = 0; h < p.heads(); h++) {
                int kvh = h / group;
                double[] s = new double[p.keys()];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < p.keys(); j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) p.q()[(i * p.heads() + h) * d + c] * p.k()[(j * p.kvHeads() + kvh) * d + c];
                    }
                    s[j] = dot * p.scale();
                    if (p.mask() instanceof AttentionMask.Bias b) {
                        s[j] += b.values()[i * p.keys() + j];
                    }
                    if (!p.mask().visible(i, j, p.keys())) {
                        s[j] = Double.NEGATIVE_INFINITY;
                    }
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < p.keys(); j++) {
                    sum += Math.exp(s[j] - max);
                }
                for (int j = 0; j < p.keys(); j++) {
                    double w = Math.exp(s[j] - max) / sum;
                    if (w == 0) {
                        continue;
                    }
                    for (int c = 0; c < p.valueDim(); c++) {
                        out[(i * p.heads() + h) * p.valueDim() + c] += w * p.v()[(j * p.kvHeads() + kvh) * p.valueDim() + c];
                    }
                }
                lse[i * p.heads() + h] = max + Math.log(sum);
            }
        }
        return out;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
