package valle.core.sample;

import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's {@code top_no_logits_processing} ({@code docs/spec/valle-reference.md} §5.2.7, top-nσ with n
 * fixed at 1): per row, logits below {@code max − std} become {@code -inf}, with the unbiased (N − 1) standard
 * deviation over the whole row. The setting's value only switches it on.
 *
 * <p>Quirk kept: the standard deviation of a row that already holds a {@code -inf} (from min-p or top-k/top-p)
 * is NaN in torch, every comparison with NaN is false, and the whole row becomes {@code -inf} (the reference's
 * argmax then returns token 0 and its categorical draw raises). A one-token row (N − 1 = 0) likewise.
 */
public final class TopNSigma extends ReferenceStage implements OutOfPlace {

    public TopNSigma() {
        super("top-n-sigma", 600, "top-nσ (n = 1): keeps the logits within one standard deviation of the maximum");
    }

    @Override
    public boolean enabled(SamplerSettings settings) {
        return settings.topNSigma() > 0f;
    }

    /** {@code torch.where(mask, logits, -inf)}: a new tensor. */
    @Override
    public boolean copiesLogits(SamplerSettings settings) {
        return true;
    }

    @Override
    public void apply(SamplingInput input) {
        float[] logits = input.logits();
        int n = input.vocab();
        for (int r = 0; r < input.rows(); r++) {
            int off = r * n;
            float threshold = RowMath.max(logits, off, n) - std(logits, off, n);
            for (int i = 0; i < n; i++) {
                if (!(logits[off + i] >= threshold)) {
                    logits[off + i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    /** Unbiased standard deviation, accumulated in double, rounded to float32 as torch returns it. */
    private static float std(float[] logits, int off, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += logits[off + i];
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double d = logits[off + i] - mean;
            squares += d * d;
        }
        return (float) Math.sqrt(squares / (n - 1));
    }
}
