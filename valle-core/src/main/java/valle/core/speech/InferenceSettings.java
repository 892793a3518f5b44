package valle.core.speech;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import valle.api.Stable;
import valle.api.sample.SamplerSettings;

/**
 * Everything that steers one synthesis, as the reference's flat sampling kwargs
 * ({@code docs/spec/valle-reference.md} §5.3): unprefixed keys apply to every pass, {@code ar_*} keys override them
 * in the AR and NAR-len passes, {@code nar_*} keys in the NAR passes ({@code convert_kwargs}). Keys the
 * request omits take the reference's <em>function</em> defaults, quirks included (NAR temperature 1.0, top-nσ on).
 * Made from kwargs ({@link #fromKwargs}), one of the presets, or {@link #builder()} / {@link #toBuilder()}; the
 * canonical constructor is for the record's own machinery.
 *
 * @param ar               sampler settings of the AR pass
 * @param nar              sampler settings of the NAR level passes
 * @param narLen           sampler settings of the NAR-len demasking (its temperature is annealed per step)
 * @param arCfg            CFG of the AR pass (strength 0 = off)
 * @param narCfg           CFG of the NAR passes
 * @param narLenCfg        CFG of demasking; its strength is raised to at least 2.5
 * @param maxDuration      AR step limit, and the cap of the demasked length (frames)
 * @param maxSteps         demasking steps
 * @param maxLevels        highest NAR level; 0 = every level
 * @param beamWidth        AR beam search width; 0 or 1 = off
 * @param inputPromptPrefix the AR starts from the prompt's level-0 codes (and the prompt segment is empty)
 * @param prefixSilence    seconds of EnCodec silence the AR starts from
 * @param refineOnStop     re-derive the AR output by argmax over the last pass's response rows
 * @param denoiseStart     where the demasking schedule starts, in [0, 1)
 * @param denoiseEnd       where it ends (1); the steps are {@code floor(max_steps · (end - start))}
 * @param minimumCfgStrength demasking uses at least this CFG strength (2.5)
 * @param annealedSampling demasking anneals its temperature to {@code T·(1-t)} (on)
 * @param remasking        demasking re-masks {@code T/(2S)} extra least-confident tokens per step (on)
 * @param minDuration      the demasked length is at least this many frames (1)
 * @param durationPadding  the predicted duration is multiplied by this (1.05)
 * @param modality         how level 0 is produced
 * @param contextHistory   rolling context: how many earlier lines of a multi-line request prefix the next
 * @param seed             seed of the request's random source
 */
@Stable(since = "0.1")
public record InferenceSettings(SamplerSettings ar, SamplerSettings nar, SamplerSettings narLen, Cfg arCfg,
                                Cfg narCfg, Cfg narLenCfg, int maxDuration, int maxSteps, int maxLevels,
                                int beamWidth, boolean inputPromptPrefix, float prefixSilence, boolean refineOnStop,
                                float denoiseStart, float denoiseEnd, float minimumCfgStrength,
                                boolean annealedSampling, boolean remasking, int minDuration, double durationPadding,
                                Modality modality, int contextHistory, long seed) {

    /** Classifier-free guidance strength and rescale of one pass. */
    public record Cfg(float strength, float rescale) {
    }

    public InferenceSettings {
        Objects.requireNonNull(ar, "ar");
        Objects.requireNonNull(nar, "nar");
        Objects.requireNonNull(narLen, "narLen");
        Objects.requireNonNull(arCfg, "arCfg");
        Objects.requireNonNull(narCfg, "narCfg");
        Objects.requireNonNull(narLenCfg, "narLenCfg");
        Objects.requireNonNull(modality, "modality");
        if (maxDuration < 1) {
            throw new IllegalArgumentException("max_duration must be >= 1, got " + maxDuration);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max_steps must be >= 1, got " + maxSteps);
        }
        if (!(denoiseStart >= 0 && denoiseStart < denoiseEnd && denoiseEnd <= 1)) {
            throw new IllegalArgumentException("need 0 <= denoise_start < denoise_end <= 1, got " + denoiseStart
                    + " and " + denoiseEnd);
        }
        if (minDuration < 1 || minDuration > maxDuration) {
            throw new IllegalArgumentException("min_duration must be in [1, max_duration], got " + minDuration);
        }
        if (!(durationPadding > 0)) {
            throw new IllegalArgumentException("duration_padding must be > 0, got " + durationPadding);
        }
        if (contextHistory < 0) {
            throw new IllegalArgumentException("context_history must be >= 0, got " + contextHistory);
        }
        if (!(prefixSilence >= 0)) {
            throw new IllegalArgumentException("prefix_silence must be >= 0, got " + prefixSilence);
        }
    }

    /** Settings that start as {@link #referenceDefaults()}. */
    public static Builder builder() {
        return referenceDefaults().toBuilder();
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The reference's function defaults: what its CLI effectively runs (§5.3). */
    public static InferenceSettings referenceDefaults() {
        return fromKwargs(Map.of());
    }

    /**
     * The defaults of the reference's command line ({@code vall_e/__main__.py}'s argparse) as flat kwargs:
     * what {@code valle speak} and the server start from, so that both give the same speech for a seed.
     */
    public static Map<String, Object> commandLineKwargs() {
        Map<String, Object> k = new java.util.LinkedHashMap<>();
        k.put("max_duration", 900);
        k.put("max_steps", 25);
        k.put("max_levels", 7);
        k.put("ar_temperature", 1.0);
        k.put("nar_temperature", 0.0);
        k.put("min_ar_temperature", -1.0);
        k.put("min_nar_temperature", -1.0);
        k.put("top_p", 1.0);
        k.put("top_k", 0);
        k.put("top_no", 0.0);
        k.put("min_p", 0.0);
        k.put("repetition_penalty", 1.0);
        k.put("repetition_penalty_decay", 0.0);
        k.put("length_penalty", 0.0);
        k.put("beam_width", 0);
        k.put("mirostat_tau", 0.0);
        k.put("mirostat_eta", 0.0);
        k.put("dry_multiplier", 0.0);
        k.put("dry_base", 1.75);
        k.put("dry_allowed_length", 2);
        k.put("cfg_strength", 0.0);
        k.put("cfg_rescale", 0.75);
        k.put("input_prompt_prefix", false);
        k.put("prefix_silence", 0.0);
        k.put("refine_on_stop", false);
        k.put("denoise_start", 0.0);
        k.put("modality", "auto");
        k.put("seed", 0L);
        k.put("context_history", 0);
        return k;
    }

    /**
     * The web UI's settings, which the reference's documentation treats as the user-facing defaults: greedy
     * NAR, top-nσ off, CFG 1.0, 50 demasking steps, 12 s maximum.
     */
    public static InferenceSettings webUiDefaults() {
        return fromKwargs(Map.of("nar_temperature", 0.0, "top_no", 0.0, "cfg_strength", 1.0, "cfg_rescale", 0.75,
                "max_steps", 50, "max_duration", 900, "max_levels", 7, "top_k", 0));
    }

    /**
     * Settings from the reference's flat kwargs (keys as the web UI passes them: {@code ar_temperature},
     * {@code nar_temperature}, {@code top_k}, {@code cfg_strength}, {@code max_duration}, ...). Values are
     * numbers, booleans or strings; unknown keys are refused, since a typo would silently change nothing. A key
     * {@code sampler.key} (or {@code ar_sampler.key}, {@code nar_sampler.key} for one kind of pass) is a
     * {@linkplain SamplerSettings#options() sampler option}: a setting of the third-party stage of that name.
     */
    public static InferenceSettings fromKwargs(Map<String, ?> kwargs) {
        for (String key : kwargs.keySet()) {
            String bare = key.startsWith("ar_") || key.startsWith("nar_") ? key.substring(key.indexOf('_') + 1) : key;
            if (!KNOWN.contains(bare) && !KNOWN.contains(key) && !bare.contains(".")) {
                throw new IllegalArgumentException("unknown sampling setting '" + key + "'");
            }
        }
        Map<String, Object> arKw = pass(kwargs, "ar_");
        Map<String, Object> narKw = pass(kwargs, "nar_");
        return new Builder()
                .ar(sampler(arKw, 1.0f))
                .nar(sampler(narKw, 1.0f))
                // demasking reads the ar_ settings but its function default temperature is 0
                .narLen(sampler(arKw, 0.0f))
                .arCfg(new Cfg(num(arKw, "cfg_strength", 0.0).floatValue(), num(arKw, "cfg_rescale", 0.7).floatValue()))
                .narCfg(new Cfg(num(narKw, "cfg_strength", 0.0).floatValue(), num(narKw, "cfg_rescale", 0.7).floatValue()))
                .narLenCfg(new Cfg(num(arKw, "cfg_strength", 0.0).floatValue(), num(arKw, "cfg_rescale", 0.75).floatValue()))
                .maxDuration(num(arKw, "max_duration", 500).intValue())
                .maxSteps(num(arKw, "max_steps", 25).intValue())
                .maxLevels(num(kwargs, "max_levels", 0).intValue())
                .beamWidth(num(arKw, "beam_width", 0).intValue())
                .inputPromptPrefix(bool(arKw, "input_prompt_prefix"))
                .prefixSilence(num(arKw, "prefix_silence", 0.0).floatValue())
                .refineOnStop(bool(arKw, "refine_on_stop"))
                .denoiseStart(num(arKw, "denoise_start", 0.0).floatValue())
                .denoiseEnd(num(arKw, "denoise_end", 1.0).floatValue())
                .minimumCfgStrength(num(arKw, "minimum_cfg_strength", 2.5).floatValue())
                .annealedSampling(!arKw.containsKey("annealed_sampling") || bool(arKw, "annealed_sampling"))
                .remasking(!arKw.containsKey("remasking") || bool(arKw, "remasking"))
                .minDuration(num(arKw, "min_duration", 1).intValue())
                .durationPadding(num(kwargs, "duration_padding", 1.05).doubleValue())
                .modality(kwargs.get("modality") instanceof String m ? Modality.parse(m) : Modality.AUTO)
                .contextHistory(num(kwargs, "context_history", 0).intValue())
                .seed(num(kwargs, "seed", 0).longValue())
                .build();
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of("temperature", "min_temperature", "top_k",
            "top_p", "min_p", "top_no", "repetition_penalty", "repetition_penalty_decay", "length_penalty",
            "beam_width", "mirostat_tau", "mirostat_eta", "dry_multiplier", "dry_base", "dry_allowed_length",
            "entropix_sampling", "layer_skip", "layer_skip_exit_layer", "layer_skip_entropy_threshold",
            "layer_skip_varentropy_threshold", "refine_on_stop", "denoise_start", "input_prompt_prefix",
            "prefix_silence", "cfg_strength", "cfg_rescale", "max_duration", "max_steps", "max_levels", "modality",
            "seed", "min_ar_temperature", "min_nar_temperature", "context_history", "denoise_end",
            "minimum_cfg_strength", "annealed_sampling", "remasking", "min_duration", "duration_padding");

    /** The kwargs one pass sees: unprefixed keys, overridden by the pass's prefixed ones with the prefix removed. */
    private static Map<String, Object> pass(Map<String, ?> kwargs, String prefix) {
        Map<String, Object> out = new HashMap<>();
        kwargs.forEach((k, v) -> {
            if (!k.startsWith("ar_") && !k.startsWith("nar_")) {
                out.put(k, v);
            }
        });
        kwargs.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        // the reference names the minimum temperature min_ar_temperature / min_nar_temperature
        Object min = kwargs.get("min_" + prefix + "temperature");
        if (min != null) {
            out.put("min_temperature", min);
        }
        return out;
    }

    private static SamplerSettings sampler(Map<String, Object> kw, float defaultTemperature) {
        if (bool(kw, "entropix_sampling")) {
            throw new IllegalArgumentException("entropix_sampling is not supported: the reference's entropix sampler "
                    + "reads attention maps whose meaning depends on its attention backend, and fails (IndexError) in "
                    + "its low-entropy branch whenever a step is confident; turn entropix_sampling off");
        }
        Map<String, String> options = new TreeMap<>();
        kw.forEach((k, v) -> {
            if (k.contains(".")) {
                options.put(k, v.toString());
            }
        });
        return SamplerSettings.builder()
                .temperature(Math.max(0f, num(kw, "temperature", defaultTemperature).floatValue()))
                .minTemperature(num(kw, "min_temperature", -1.0).floatValue())
                .topK(num(kw, "top_k", -100).intValue())
                .topP(num(kw, "top_p", 1.0).floatValue())
                .minP(num(kw, "min_p", 0.0).floatValue())
                // Base.sample switches top-nσ on when the caller does not mention it (§7.4 item 11)
                .topNSigma(num(kw, "top_no", 1.0).floatValue())
                .repetitionPenalty(num(kw, "repetition_penalty", 1.0).floatValue())
                .repetitionPenaltyDecay(num(kw, "repetition_penalty_decay", 0.0).floatValue())
                .lengthPenalty(num(kw, "length_penalty", 0.0).floatValue())
                .dryMultiplier(num(kw, "dry_multiplier", 0.0).floatValue())
                .dryBase(num(kw, "dry_base", 1.75).floatValue())
                .dryAllowedLength(num(kw, "dry_allowed_length", 2).intValue())
                .options(options)
                .build();
    }

    private static Number num(Map<String, ?> kw, String key, Number fallback) {
        Object v = kw.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        try {
            return Double.parseDouble(v.toString().trim().toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sampling setting '" + key + "' must be a number, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, ?> kw, String key) {
        Object v = kw.get(key);
        return v instanceof Boolean b ? b : v instanceof Number n ? n.doubleValue() != 0 : v != null
                && Boolean.parseBoolean(v.toString());
    }

    /**
     * Makes {@link InferenceSettings}; {@link #build()} validates them. Each setter is the record component of
     * the same name. Not thread-safe.
     */
    @Stable(since = "0.1")
    public static final class Builder {
        private SamplerSettings ar;
        private SamplerSettings nar;
        private SamplerSettings narLen;
        /** Options for every pass, added to each pass's settings by {@link #build()}, whatever is set after them. */
        private final Map<String, String> everyPass = new LinkedHashMap<>();
        private Cfg arCfg;
        private Cfg narCfg;
        private Cfg narLenCfg;
        private int maxDuration;
        private int maxSteps;
        private int maxLevels;
        private int beamWidth;
        private boolean inputPromptPrefix;
        private float prefixSilence;
        private boolean refineOnStop;
        private float denoiseStart;
        private float denoiseEnd;
        private float minimumCfgStrength;
        private boolean annealedSampling;
        private boolean remasking;
        private int minDuration;
        private double durationPadding;
        private Modality modality;
        private int contextHistory;
        private long seed;

        /** Every field unset: only {@link #fromKwargs} starts here, and sets each. */
        private Builder() {
        }

        private Builder(InferenceSettings s) {
            ar = s.ar;
            nar = s.nar;
            narLen = s.narLen;
            arCfg = s.arCfg;
            narCfg = s.narCfg;
            narLenCfg = s.narLenCfg;
            maxDuration = s.maxDuration;
            maxSteps = s.maxSteps;
            maxLevels = s.maxLevels;
            beamWidth = s.beamWidth;
            inputPromptPrefix = s.inputPromptPrefix;
            prefixSilence = s.prefixSilence;
            refineOnStop = s.refineOnStop;
            denoiseStart = s.denoiseStart;
            denoiseEnd = s.denoiseEnd;
            minimumCfgStrength = s.minimumCfgStrength;
            annealedSampling = s.annealedSampling;
            remasking = s.remasking;
            minDuration = s.minDuration;
            durationPadding = s.durationPadding;
            modality = s.modality;
            contextHistory = s.contextHistory;
            seed = s.seed;
        }

        /** See {@link InferenceSettings#ar()}. */
        public Builder ar(SamplerSettings ar) {
            this.ar = ar;
            return this;
        }

        /** See {@link InferenceSettings#nar()}. */
        public Builder nar(SamplerSettings nar) {
            this.nar = nar;
            return this;
        }

        /** See {@link InferenceSettings#narLen()}. */
        public Builder narLen(SamplerSettings narLen) {
            this.narLen = narLen;
            return this;
        }

        /** See {@link InferenceSettings#arCfg()}. */
        public Builder arCfg(Cfg arCfg) {
            this.arCfg = arCfg;
            return this;
        }

        /** See {@link InferenceSettings#narCfg()}. */
        public Builder narCfg(Cfg narCfg) {
            this.narCfg = narCfg;
            return this;
        }

        /** See {@link InferenceSettings#narLenCfg()}. */
        public Builder narLenCfg(Cfg narLenCfg) {
            this.narLenCfg = narLenCfg;
            return this;
        }

        /** See {@link InferenceSettings#maxDuration()}. */
        public Builder maxDuration(int maxDuration) {
            this.maxDuration = maxDuration;
            return this;
        }

        /** See {@link InferenceSettings#maxSteps()}. */
        public Builder maxSteps(int maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        /** See {@link InferenceSettings#maxLevels()}. */
        public Builder maxLevels(int maxLevels) {
            this.maxLevels = maxLevels;
            return this;
        }

        /** See {@link InferenceSettings#beamWidth()}. */
        public Builder beamWidth(int beamWidth) {
            this.beamWidth = beamWidth;
            return this;
        }

        /** See {@link InferenceSettings#inputPromptPrefix()}. */
        public Builder inputPromptPrefix(boolean inputPromptPrefix) {
            this.inputPromptPrefix = inputPromptPrefix;
            return this;
        }

        /** See {@link InferenceSettings#prefixSilence()}. */
        public Builder prefixSilence(float prefixSilence) {
            this.prefixSilence = prefixSilence;
            return this;
        }

        /** See {@link InferenceSettings#refineOnStop()}. */
        public Builder refineOnStop(boolean refineOnStop) {
            this.refineOnStop = refineOnStop;
            return this;
        }

        /** See {@link InferenceSettings#denoiseStart()}. */
        public Builder denoiseStart(float denoiseStart) {
            this.denoiseStart = denoiseStart;
            return this;
        }

        /** See {@link InferenceSettings#denoiseEnd()}. */
        public Builder denoiseEnd(float denoiseEnd) {
            this.denoiseEnd = denoiseEnd;
            return this;
        }

        /** See {@link InferenceSettings#minimumCfgStrength()}. */
        public Builder minimumCfgStrength(float minimumCfgStrength) {
            this.minimumCfgStrength = minimumCfgStrength;
            return this;
        }

        /** See {@link InferenceSettings#annealedSampling()}. */
        public Builder annealedSampling(boolean annealedSampling) {
            this.annealedSampling = annealedSampling;
            return this;
        }

        /** See {@link InferenceSettings#remasking()}. */
        public Builder remasking(boolean remasking) {
            this.remasking = remasking;
            return this;
        }

        /** See {@link InferenceSettings#minDuration()}. */
        public Builder minDuration(int minDuration) {
            this.minDuration = minDuration;
            return this;
        }

        /** See {@link InferenceSettings#durationPadding()}. */
        public Builder durationPadding(double durationPadding) {
            this.durationPadding = durationPadding;
            return this;
        }

        /** See {@link InferenceSettings#modality()}. */
        public Builder modality(Modality modality) {
            this.modality = modality;
            return this;
        }

        /** See {@link InferenceSettings#contextHistory()}. */
        public Builder contextHistory(int contextHistory) {
            this.contextHistory = contextHistory;
            return this;
        }

        /** See {@link InferenceSettings#seed()}. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the setting {@code key} of the third-party sampler stage {@code sampler} in every pass (AR, NAR and
         * NAR-len), also when a pass's settings are replaced afterwards: see {@link SamplerSettings#options()}.
         */
        public Builder samplerOption(String sampler, String key, String value) {
            // checked now, so that a bad name fails where it is set
            SamplerSettings.builder().option(sampler, key, value).build();
            everyPass.put(sampler + "." + key, value);
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException for a value out of its range
         */
        public InferenceSettings build() {
            return new InferenceSettings(withOptions(ar), withOptions(nar), withOptions(narLen), arCfg, narCfg, narLenCfg, maxDuration, maxSteps, maxLevels,
                    beamWidth, inputPromptPrefix, prefixSilence, refineOnStop, denoiseStart, denoiseEnd,
                    minimumCfgStrength, annealedSampling, remasking, minDuration, durationPadding, modality,
                    contextHistory, seed);
        }

        private SamplerSettings withOptions(SamplerSettings pass) {
            return everyPass.isEmpty() ? pass : pass.toBuilder().options(everyPass).build();
        }
    }
}
