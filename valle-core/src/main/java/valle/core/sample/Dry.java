package valle.core.sample;

import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's {@code dry_sampling} ({@code docs/spec/valle-reference.md} §5.2.8) as it actually runs on a token
 * tensor. For each position {@code i} of {@code previous} (n tokens), the match length starts at 1 and grows
 * while {@code previous[i − len] == previous[n − 1 − len]} (the tokens before {@code i} against the tokens
 * before the last one), up to {@code max(allowedLength, 50)}. Then, in position order, {@code logit[token]
 * −= multiplier · base^(len − allowedLength)} on every row, stopping at the first position whose length is
 * below {@code allowedLength} (the reference's {@code break}).
 *
 * <p>The reference keys its length table by the 0-d tensors that iterating {@code previous} yields, and a
 * tensor hashes by identity: every position is its own entry (no per-token maximum), a token that occurs at
 * several positions is penalised once per position, and the first entry, position 0, always has length 1.
 * So with {@code allowedLength >= 2} (the default is 2) nothing is ever penalised, and with 0 or 1 every
 * position is. Tokens outside {@code [0, vocab)} are skipped.
 */
public final class Dry extends ReferenceStage {

    public Dry() {
        super("dry", 700, "DRY repetition suppression (the reference's variant, break quirk included)");
    }
    private static final int MAX_MATCH = 50;

    @Override
    public boolean enabled(SamplerSettings settings) {
        return settings.dryMultiplier() > 0f;
    }

    @Override
    public void apply(SamplingInput input) {
        SamplerSettings s = input.settings();
        int[] previous = input.previous();
        int allowed = s.dryAllowedLength();
        double factor = RowMath.py(s.dryMultiplier());
        double base = RowMath.py(s.dryBase());
        for (int i = 0; i < previous.length; i++) {
            int length = matchLength(previous, i, Math.max(allowed, MAX_MATCH));
            if (length < allowed) {
                break;
            }
            int token = previous[i];
            if (token < 0 || token >= input.vocab()) {
                continue;
            }
            float penalty = (float) (factor * Math.pow(base, length - allowed));
            for (int r = 0; r < input.rows(); r++) {
                input.logits()[r * input.vocab() + token] -= penalty;
            }
        }
    }

    /** The reference's inner {@code while}: 1 plus the matches of the tokens before {@code i}. */
    static int matchLength(int[] previous, int i, int cap) {
        int n = previous.length;
        int length = 1;
        while (length < cap) {
            int j = i - length;
            if (j < 0 || previous[j] != previous[n - 1 - length]) {
                break;
            }
            length++;
        }
        return length;
    }
}
