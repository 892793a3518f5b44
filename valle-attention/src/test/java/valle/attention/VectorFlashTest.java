package valle.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

class VectorFlashTest {

    /**
     * Rows of a tile go four at a time (with 512-bit vectors; in pairs elsewhere), in pairs or alone, as their
     * visible keys allow; each row's sums keep one order in all three, so tiles of 1, 2 and 32 query rows give
     * the same bits (runs of 128 keys: whole groups of four vectors and a shorter last run). With the bias, one
     * row of a quad sees none of the first run, so the other three add their values row by row there.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "causal", "bias"})
    void aRowComesOutTheSameAloneInAPairOrInAQuad(String maskKind) {
        assumeTrue(Scores.vectorized(), "the Vector API module is not present");
        SplittableRandom rnd = new SplittableRandom(maskKind.hashCode());
        int queries = 37;
        int keys = 150;
        int heads = 4;
        int hd = 64;
        AttentionMask mask = switch (maskKind) {
            case "none" -> AttentionMask.none();
            case "causal" -> AttentionMask.causal(keys - queries);
            default -> {
                float[] bias = random(rnd, queries * keys);
                for (int i = 0; i < bias.length; i += 7) {
                    bias[i] = Float.NEGATIVE_INFINITY;
                }
                Arrays.fill(bias, 5 * keys, 5 * keys + 128, Float.NEGATIVE_INFINITY);
                yield new AttentionMask.Bias(bias);
            }
        };
        AttentionProblem p = AttentionProblem.of(random(rnd, queries * heads * hd), random(rnd, keys * 2 * hd),
                random(rnd, keys * 2 * hd), queries, keys, heads, 2, hd, mask);
        float[] alone = attend(new FlashKernel(1, 128, 1), p);
        assertArrayEquals(alone, attend(new FlashKernel(2, 128, 1), p), "pairs");
        assertArrayEquals(alone, attend(new FlashKernel(32, 128, 2), p), "quads");
    }

    private static float[] attend(FlashKernel k, AttentionProblem p) {
        float[] out = new float[p.outputSize()];
        k.attend(p, out, null);
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
