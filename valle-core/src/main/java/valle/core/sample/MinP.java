package valle.core.sample;

import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's {@code min_p_filtering} ({@code docs/spec/valle-reference.md} §5.2.4, after HF's
 * {@code MinPLogitsWarper}): per row, tokens with {@code p < minP · max(p)} become {@code -inf}, except the
 * {@value #KEEP} largest logits, which always stay (so a row of at most 32 tokens is never touched). The
 * comparison is made on float32 probabilities, as torch does; equal logits at the 32nd place keep the lower
 * index.
 */
public final class MinP extends ReferenceStage implements OutOfPlace {

    public MinP() {
        super("min-p", 300, "min-p: drops tokens below min_p times the top probability (the 32 largest always stay)");
    }
    /** The reference's {@code min_tokens_to_keep}. */
    static final int KEEP = 32;

    @Override
    public boolean enabled(SamplerSettings settings) {
        return settings.minP() > 0f;
    }

    /** {@code logits.masked_fill(...)}: a new tensor. */
    @Override
    public boolean copiesLogits(SamplerSettings settings) {
        return true;
    }

    @Override
    public void apply(SamplingInput input) {
        int vocab = input.vocab();
        if (vocab <= KEEP) {
            return;
        }
        float[] logits = input.logits();
        float minP = input.settings().minP();
        double[] p = new double[vocab];
        for (int r = 0; r < input.rows(); r++) {
            int off = r * vocab;
            RowMath.softmax(logits, off, vocab, p);
            float top = 0f;
            for (double v : p) {
                top = Math.max(top, (float) v);
            }
            float threshold = minP * top; // float32 product, as min_p * top_probs
            int[] order = RowMath.descending(logits, off, vocab);
            for (int k = KEEP; k < vocab; k++) {
                int i = order[k];
                if ((float) p[i] < threshold) {
                    logits[off + i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }
}
