package valle.core.sample;

import java.util.random.RandomGenerator;
import valle.api.plugin.Availability;
import valle.api.sample.Sampler;
import valle.api.sample.SamplerSettings;

/**
 * Argmax: what the reference does at temperature 0. Ties go to the lowest index, as {@code torch.argmax}
 * does on CPU. Ignores every setting and never draws from the random source.
 */
public final class GreedySampler implements Sampler {

    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public String description() {
        return "argmax over the logits (temperature 0)";
    }

    @Override
    public int sample(float[] logits, int offset, int vocab, int[] history, SamplerSettings settings,
                      RandomGenerator random) {
        return argmax(logits, offset, vocab);
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
}
