package valle.api.sample;

import java.util.random.RandomGenerator;
import valle.api.Stable;
import valle.api.plugin.Plugin;

/**
 * A sampler plugin: one row of logits in, one token out. Stateless between calls except for what the loop
 * passes in (the history); deterministic for a given random source.
 */
@Stable(since = "0.1")
public interface Sampler extends Plugin {

    /**
     * Picks a token from {@code logits[offset .. offset+vocab)}. The sampler may modify that range in place
     * (as the reference does); callers that need the raw logits pass a copy.
     *
     * @param history tokens generated so far for this row, oldest first (repetition penalties)
     * @param random  the request's seeded random source; greedy samplers never draw from it
     */
    int sample(float[] logits, int offset, int vocab, int[] history, SamplerSettings settings, RandomGenerator random);
}
