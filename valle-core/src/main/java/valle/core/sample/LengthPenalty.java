package valle.core.sample;

import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's {@code length_penalize} ({@code docs/spec/valle-reference.md} §5.2.2), AR passes only: the stop
 * token's logit of every row is divided by {@code (len(previous) + 1)^lengthPenalty}. A positive value makes a
 * positive stop logit smaller (longer output), a negative one larger. No-op without a stop token in the vocab.
 */
public final class LengthPenalty extends ReferenceStage {

    public LengthPenalty() {
        super("length-penalty", 200, "length penalty (AR): divides the stop token's logit by (length+1)^penalty");
    }

    @Override
    public boolean enabled(SamplerSettings settings) {
        return settings.lengthPenalty() != 0f;
    }

    @Override
    public void apply(SamplingInput input) {
        int stop = input.stopToken();
        int vocab = input.vocab();
        if (!input.autoregressive() || stop < 0 || stop >= vocab) {
            return;
        }
        float divisor = (float) Math.pow(input.previous().length + 1, RowMath.py(input.settings().lengthPenalty()));
        for (int r = 0; r < input.rows(); r++) {
            input.logits()[r * vocab + stop] /= divisor;
        }
    }
}
