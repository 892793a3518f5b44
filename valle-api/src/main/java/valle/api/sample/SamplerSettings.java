package valle.api.sample;

import valle.api.Stable;

/**
 * The settings of one sampling pass (AR, NAR or NAR-len), with the reference's meanings
 * ({@code spec/valle-reference.md} §5); neutral values switch a stage off.
 *
 * @param temperature            0 = greedy (argmax); the last stage divides the logits by it
 * @param minTemperature         dynamic temperature when it differs from {@code temperature} by 0.001 or more;
 *                               below 0 means "same as temperature" (off)
 * @param topK                   keep the k largest logits; 0 (or negative, as the reference's -100) = off
 * @param topP                   nucleus: keep the smallest prefix of the sorted distribution reaching p; 1 = off
 * @param minP                   drop tokens below {@code minP · max(p)} (the 32 largest always stay); 0 = off
 * @param topNSigma              top-nσ: keep logits ≥ max − std; any value above 0 switches it on (n is 1)
 * @param repetitionPenalty      divides the logits of earlier tokens; 1 = off
 * @param repetitionPenaltyDecay the penalty grows with distance d as {@code penalty · d^decay}; 0 = no decay
 * @param lengthPenalty          divides the stop token's logit by {@code (len+1)^lengthPenalty} (AR); 0 = off
 * @param dryMultiplier          DRY repetition suppression strength; 0 = off
 * @param dryBase                DRY base of the exponential penalty
 * @param dryAllowedLength       DRY: repeats up to this length are free
 */
@Stable(since = "0.1")
public record SamplerSettings(float temperature, float minTemperature, int topK, float topP, float minP,
                              float topNSigma, float repetitionPenalty, float repetitionPenaltyDecay,
                              float lengthPenalty, float dryMultiplier, float dryBase, int dryAllowedLength) {

    public SamplerSettings {
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
        }
        if (!(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        }
        if (!(topNSigma >= 0) || !(dryMultiplier >= 0) || !(dryBase > 0) || dryAllowedLength < 0
                || Float.isNaN(minTemperature) || Float.isNaN(repetitionPenaltyDecay) || Float.isNaN(lengthPenalty)) {
            throw new IllegalArgumentException("invalid sampler settings: " + this.toString(temperature, topNSigma,
                    dryMultiplier, dryBase, dryAllowedLength));
        }
    }

    /** Greedy decoding: every stage off, temperature 0. */
    public static SamplerSettings greedy() {
        return new SamplerSettings(0f, -1f, 0, 1f, 0f, 0f, 1f, 0f, 0f, 0f, 1.75f, 2);
    }

    /** The same settings at another temperature (NAR-len anneals it per step). */
    public SamplerSettings withTemperature(float t) {
        return new SamplerSettings(t, minTemperature, topK, topP, minP, topNSigma, repetitionPenalty,
                repetitionPenaltyDecay, lengthPenalty, dryMultiplier, dryBase, dryAllowedLength);
    }

    private String toString(float t, float nSigma, float dryMul, float dryB, int dryLen) {
        return "temperature=" + t + " top_no=" + nSigma + " dry_multiplier=" + dryMul + " dry_base=" + dryB
                + " dry_allowed_length=" + dryLen;
    }
}
