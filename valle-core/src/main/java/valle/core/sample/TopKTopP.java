package valle.core.sample;

import java.util.Arrays;
import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's {@code top_k_top_p_filtering} ({@code docs/spec/valle-reference.md} §5.2.5), top-k first, then
 * top-p on its result; removed logits become {@code -inf}.
 *
 * <ul>
 *   <li>top-k ({@code topK > 0}): {@code k = min(max(topK, 1), vocab)}; logits strictly below the k-th largest
 *       go (ties with it all stay).</li>
 *   <li>top-p ({@code topP < 1}): sorted descending, the running sum of the softmax (float32 terms summed in
 *       double and rounded per step, as torch's CPU {@code cumsum}) is compared with {@code topP}; a token goes
 *       when the sum <em>before</em> it already exceeds {@code topP}, so the token crossing the threshold and
 *       the top token always stay. Equal logits are ordered by index.</li>
 * </ul>
 */
public final class TopKTopP extends ReferenceStage {

    public TopKTopP() {
        super("top-k-top-p", 400, "top-k then top-p (nucleus) filtering");
    }

    @Override
    public boolean enabled(SamplerSettings settings) {
        return settings.topK() > 0 || settings.topP() < 1f;
    }

    @Override
    public void apply(SamplingInput input) {
        SamplerSettings s = input.settings();
        int vocab = input.vocab();
        double[] p = new double[vocab];
        for (int r = 0; r < input.rows(); r++) {
            int off = r * vocab;
            if (s.topK() > 0) {
                topK(input.logits(), off, vocab, Math.min(Math.max(s.topK(), 1), vocab));
            }
            if (s.topP() < 1f) {
                topP(input.logits(), off, vocab, s.topP(), p);
            }
        }
    }

    private static void topK(float[] logits, int off, int vocab, int k) {
        float[] sorted = Arrays.copyOfRange(logits, off, off + vocab);
        Arrays.sort(sorted);
        float kth = sorted[vocab - k];
        for (int i = 0; i < vocab; i++) {
            if (logits[off + i] < kth) {
                logits[off + i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    private static void topP(float[] logits, int off, int vocab, float topP, double[] p) {
        RowMath.softmax(logits, off, vocab, p);
        int[] order = RowMath.descending(logits, off, vocab);
        double cumulative = 0;
        boolean removeNext = false; // the mask shifted right by one: position 0 always stays
        for (int k = 0; k < vocab; k++) {
            int i = order[k];
            if (removeNext) {
                logits[off + i] = Float.NEGATIVE_INFINITY;
            }
            cumulative += (float) p[i];
            removeNext = (float) cumulative > topP;
        }
    }
}
