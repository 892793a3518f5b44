package valle.api.sample;

import valle.api.Stable;

/**
 * Sampling settings, with the reference's meanings; neutral values switch a stage off.
 *
 * @param temperature       0 = greedy (argmax)
 * @param minTemperature    below 0 = no dynamic temperature
 * @param topK              0 = off
 * @param topP              1 = off
 * @param minP              0 = off
 * @param topNSigma         0 = off
 * @param repetitionPenalty 1 = off
 * @param repetitionPenaltyDecay 0 = no decay
 * @param lengthPenalty     0 = off
 * @param seed              seed of the random source the loop creates
 */
@Stable(since = "0.1")
public record SamplerSettings(float temperature, float minTemperature, int topK, float topP, float minP,
                              float topNSigma, float repetitionPenalty, float repetitionPenaltyDecay,
                              float lengthPenalty, long seed) {

    public SamplerSettings {
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1], got " + minP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetitionPenalty must be > 0, got " + repetitionPenalty);
        }
    }

    /** Greedy decoding: every stage off, temperature 0. */
    public static SamplerSettings greedy() {
        return new SamplerSettings(0f, -1f, 0, 1f, 0f, 0f, 1f, 0f, 0f, 0L);
    }
}
