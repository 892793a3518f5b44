package valle.core.sample;

import java.util.random.RandomGenerator;

/**
 * The last step of sampling: a token per row, argmax at temperature 0 (the first maximal index, as
 * {@code torch.argmax}), else a categorical draw from the row's softmax with the request's random source.
 */
public final class TokenPicker {
    private TokenPicker() {
    }

    /** Index (relative to {@code offset}) of the largest of {@code logits[offset .. offset+n)}; NaN never wins. */
    public static int argmax(float[] logits, int offset, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("argmax of an empty row");
        }
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = logits[offset + i];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
        }
        return best;
    }

    /**
     * A draw from {@code softmax(logits[offset .. offset+n))}: one uniform double against the cumulative
     * distribution, computed in double, so a seed gives the same token on every OS and thread count.
     * Tokens at {@code -inf} are never drawn.
     */
    public static int categorical(float[] logits, int offset, int n, RandomGenerator random) {
        int best = argmax(logits, offset, n);
        double max = logits[offset + best];
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalStateException("every token of the row was filtered out");
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        double u = random.nextDouble() * sum;
        double cumulative = 0;
        int last = best;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(logits[offset + i] - max);
            if (e == 0) {
                continue;
            }
            cumulative += e;
            last = i;
            if (u < cumulative) {
                return i;
            }
        }
        // rounding left u at the very top: the last token with any mass
        return last;
    }

    /** The softmax probability of class {@code index} of one row, max-subtracted, in double. */
    public static float probability(float[] logits, int offset, int n, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        return (float) (Math.exp(logits[offset + index] - max) / sum);
    }
}
