package valle.core.sample;

import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's {@code reptition_penalize} ({@code docs/spec/valle-reference.md} §5.2.1): for each earlier token at
 * index {@code i}, at distance {@code d = len(previous) − i}, {@code logit[token] /= penalty · d^decay}.
 *
 * <p>Quirks kept: it divides, so a negative logit grows towards 0; a token that occurs k times is divided k
 * times. "NAR" is decided by {@code len(previous) == rows}, and then only the rows after {@code i} are
 * penalised; an AR step ({@code rows == 1}) with exactly one earlier token counts as NAR, so nothing is
 * penalised. Tokens outside {@code [0, vocab)} are skipped (torch would raise).
 */
public final class RepetitionPenalty extends ReferenceStage {

    public RepetitionPenalty() {
        super("repetition-penalty", 100, "repetition penalty: divides the logits of earlier tokens by penalty·distance^decay");
    }

    @Override
    public boolean enabled(SamplerSettings settings) {
        return settings.repetitionPenalty() != 1f;
    }

    @Override
    public void apply(SamplingInput input) {
        int[] previous = input.previous();
        int n = previous.length;
        int rows = input.rows();
        int vocab = input.vocab();
        float[] logits = input.logits();
        boolean nar = n == rows;
        double factor = RowMath.py(input.settings().repetitionPenalty());
        double decay = RowMath.py(input.settings().repetitionPenaltyDecay());
        for (int i = 0; i < n; i++) {
            int token = previous[i];
            if (token < 0 || token >= vocab) {
                continue;
            }
            // Python: factor * (distance ** decay) in double; torch divides the float32 logits by it as float32
            float divisor = (float) (factor * Math.pow(n - i, decay));
            for (int r = nar ? i + 1 : 0; r < rows; r++) {
                logits[r * vocab + token] /= divisor;
            }
        }
    }
}
