package valle.core.infer;

import java.util.Objects;
import java.util.random.RandomGenerator;
import valle.api.sample.Sampler;
import valle.api.sample.SamplerSettings;

/** The sampler, its settings and the request's seeded random source, as one loop uses them. */
public record Sampling(Sampler sampler, SamplerSettings settings, RandomGenerator random) {
    public Sampling {
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(random, "random");
    }

    /** The same sampler and random source at another temperature (NAR-len anneals it per step). */
    Sampling withTemperature(float temperature) {
        SamplerSettings s = settings;
        return new Sampling(sampler, new SamplerSettings(temperature, s.minTemperature(), s.topK(), s.topP(), s.minP(),
                s.topNSigma(), s.repetitionPenalty(), s.repetitionPenaltyDecay(), s.lengthPenalty(), s.seed()), random);
    }

    int pick(float[] logits, int offset, int vocab, int[] history) {
        return sampler.sample(logits, offset, vocab, history, settings, random);
    }
}
