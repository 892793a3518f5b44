package valle.api.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import valle.api.Stable;

/**
 * The settings of one sampling pass (AR, NAR or NAR-len), with the reference's meanings
 * ({@code docs/spec/valle-reference.md} §5); neutral values switch a stage off. Made with {@link #builder()} (or
 * {@link #toBuilder()} from other settings), so that settings can be added without breaking callers; the
 * canonical constructor is for the record's own machinery.
 *
 * <p>Besides the reference's fields, {@code options} carries the settings of stages the reference does not
 * have: a third-party {@link Sampler} named {@code mirostat} reads its {@code tau} with
 * {@code settings.doubleOption("mirostat", "tau", 5.0)}; a request sets it with
 * {@code builder().option("mirostat", "tau", "4.5")} (the command line: {@code --sampler-option mirostat.tau=4.5}).
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
 * @param options                settings of other stages, keyed {@code sampler.key} (the stage's
 *                               {@linkplain Sampler#name() name}, a dot, the setting); immutable
 */
@Stable(since = "0.1")
public record SamplerSettings(float temperature, float minTemperature, int topK, float topP, float minP,
                              float topNSigma, float repetitionPenalty, float repetitionPenaltyDecay,
                              float lengthPenalty, float dryMultiplier, float dryBase, int dryAllowedLength,
                              Map<String, String> options) {

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
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
        for (String key : options.keySet()) {
            int dot = key.indexOf('.');
            if (dot < 1 || dot == key.length() - 1) {
                throw new IllegalArgumentException("sampler option '" + key + "' must be named sampler.key");
            }
        }
    }

    /**
     * The settings of the reference's stages alone, as the record was before {@code options}: kept so that code
     * compiled against it still links.
     *
     * @deprecated use {@link #builder()}; a positional constructor breaks each time a setting is added
     */
    @Deprecated(since = "0.1")
    public SamplerSettings(float temperature, float minTemperature, int topK, float topP, float minP,
                           float topNSigma, float repetitionPenalty, float repetitionPenaltyDecay,
                           float lengthPenalty, float dryMultiplier, float dryBase, int dryAllowedLength) {
        this(temperature, minTemperature, topK, topP, minP, topNSigma, repetitionPenalty, repetitionPenaltyDecay,
                lengthPenalty, dryMultiplier, dryBase, dryAllowedLength, Map.of());
    }

    /** Settings that start as {@link #greedy()}: every stage off, temperature 0, no options. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Greedy decoding: every stage off, temperature 0. */
    public static SamplerSettings greedy() {
        return builder().build();
    }

    /** The same settings at another temperature (NAR-len anneals it per step). */
    public SamplerSettings withTemperature(float t) {
        return toBuilder().temperature(t).build();
    }

    /** The setting {@code key} of the stage named {@code sampler}, if the request gave one. */
    public Optional<String> option(String sampler, String key) {
        return Optional.ofNullable(options.get(sampler + "." + key));
    }

    /**
     * The setting {@code key} of the stage named {@code sampler} as a number, or {@code fallback} when the
     * request gave none.
     *
     * @throws IllegalArgumentException naming the option when its value is not a number
     */
    public double doubleOption(String sampler, String key, double fallback) {
        return option(sampler, key).map(v -> parse(sampler, key, v, Double::parseDouble)).orElse(fallback);
    }

    /**
     * The setting {@code key} of the stage named {@code sampler} as an integer, or {@code fallback} when the
     * request gave none.
     *
     * @throws IllegalArgumentException naming the option when its value is not an integer
     */
    public int intOption(String sampler, String key, int fallback) {
        return option(sampler, key).map(v -> parse(sampler, key, v, Integer::parseInt)).orElse(fallback);
    }

    private static <T> T parse(String sampler, String key, String value, Function<String, T> parser) {
        try {
            return parser.apply(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sampler option '" + sampler + "." + key + "' must be a number, got '"
                    + value + "'");
        }
    }

    private String toString(float t, float nSigma, float dryMul, float dryB, int dryLen) {
        return "temperature=" + t + " top_no=" + nSigma + " dry_multiplier=" + dryMul + " dry_base=" + dryB
                + " dry_allowed_length=" + dryLen;
    }

    /** Makes {@link SamplerSettings}; {@link #build()} validates them. Not thread-safe. */
    @Stable(since = "0.1")
    public static final class Builder {
        private float temperature = 0f;
        private float minTemperature = -1f;
        private int topK = 0;
        private float topP = 1f;
        private float minP = 0f;
        private float topNSigma = 0f;
        private float repetitionPenalty = 1f;
        private float repetitionPenaltyDecay = 0f;
        private float lengthPenalty = 0f;
        private float dryMultiplier = 0f;
        private float dryBase = 1.75f;
        private int dryAllowedLength = 2;
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder(SamplerSettings s) {
            temperature = s.temperature;
            minTemperature = s.minTemperature;
            topK = s.topK;
            topP = s.topP;
            minP = s.minP;
            topNSigma = s.topNSigma;
            repetitionPenalty = s.repetitionPenalty;
            repetitionPenaltyDecay = s.repetitionPenaltyDecay;
            lengthPenalty = s.lengthPenalty;
            dryMultiplier = s.dryMultiplier;
            dryBase = s.dryBase;
            dryAllowedLength = s.dryAllowedLength;
            options.putAll(s.options);
        }

        /** See {@link SamplerSettings#temperature()}. */
        public Builder temperature(float t) {
            temperature = t;
            return this;
        }

        /** See {@link SamplerSettings#minTemperature()}. */
        public Builder minTemperature(float t) {
            minTemperature = t;
            return this;
        }

        /** See {@link SamplerSettings#topK()}. */
        public Builder topK(int k) {
            topK = k;
            return this;
        }

        /** See {@link SamplerSettings#topP()}. */
        public Builder topP(float p) {
            topP = p;
            return this;
        }

        /** See {@link SamplerSettings#minP()}. */
        public Builder minP(float p) {
            minP = p;
            return this;
        }

        /** See {@link SamplerSettings#topNSigma()}. */
        public Builder topNSigma(float n) {
            topNSigma = n;
            return this;
        }

        /** See {@link SamplerSettings#repetitionPenalty()}. */
        public Builder repetitionPenalty(float penalty) {
            repetitionPenalty = penalty;
            return this;
        }

        /** See {@link SamplerSettings#repetitionPenaltyDecay()}. */
        public Builder repetitionPenaltyDecay(float decay) {
            repetitionPenaltyDecay = decay;
            return this;
        }

        /** See {@link SamplerSettings#lengthPenalty()}. */
        public Builder lengthPenalty(float penalty) {
            lengthPenalty = penalty;
            return this;
        }

        /** See {@link SamplerSettings#dryMultiplier()}. */
        public Builder dryMultiplier(float multiplier) {
            dryMultiplier = multiplier;
            return this;
        }

        /** See {@link SamplerSettings#dryBase()}. */
        public Builder dryBase(float base) {
            dryBase = base;
            return this;
        }

        /** See {@link SamplerSettings#dryAllowedLength()}. */
        public Builder dryAllowedLength(int length) {
            dryAllowedLength = length;
            return this;
        }

        /** Sets the setting {@code key} of the stage named {@code sampler} (see {@link SamplerSettings#options()}). */
        public Builder option(String sampler, String key, String value) {
            options.put(sampler + "." + key, Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds settings keyed {@code sampler.key}, replacing those of the same keys. */
        public Builder options(Map<String, String> more) {
            options.putAll(more);
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException for a value out of its range, or an option not named {@code sampler.key}
         */
        public SamplerSettings build() {
            return new SamplerSettings(temperature, minTemperature, topK, topP, minP, topNSigma, repetitionPenalty,
                    repetitionPenaltyDecay, lengthPenalty, dryMultiplier, dryBase, dryAllowedLength, options);
        }
    }
}
