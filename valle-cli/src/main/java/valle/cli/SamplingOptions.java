package valle.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;
import valle.core.speech.InferenceSettings;

/**
 * The sampling and length flags of the reference's CLI, named as it names them, with its defaults. Unlike the
 * reference's CLI, whose flags never reach the model (§5.3), they take effect.
 */
final class SamplingOptions {

    @Option(names = "--modality", defaultValue = "auto", description = "auto, ar+nar or nar-len (default: ${DEFAULT-VALUE}).")
    String modality;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the sampling random source, and of the language detector for --lang auto (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-duration", defaultValue = "900", description = "Most frames of level 0 (default: ${DEFAULT-VALUE}, 12 s).")
    int maxDuration;
    @Option(names = "--max-steps", defaultValue = "25", description = "NAR-len demasking steps (default: ${DEFAULT-VALUE}).")
    int maxSteps;
    @Option(names = "--max-levels", defaultValue = "7", description = "Highest RVQ level (default: ${DEFAULT-VALUE}).")
    int maxLevels;
    @Option(names = "--ar-temperature", defaultValue = "1.0", description = "AR and NAR-len temperature (default: ${DEFAULT-VALUE}).")
    double arTemperature;
    @Option(names = "--nar-temperature", defaultValue = "0.0", description = "NAR temperature (default: ${DEFAULT-VALUE}).")
    double narTemperature;
    @Option(names = "--min-ar-temperature", defaultValue = "-1.0", description = "Dynamic temperature floor for AR; -1 = off.")
    double minArTemperature;
    @Option(names = "--min-nar-temperature", defaultValue = "-1.0", description = "Dynamic temperature floor for NAR; -1 = off.")
    double minNarTemperature;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling; 1 = off.")
    double topP;
    @Option(names = "--top-k", defaultValue = "0", description = "Top-k; 0 = off.")
    int topK;
    @Option(names = "--top-no", defaultValue = "0.0", description = "Top-nσ; 0 = off.")
    double topNo;
    @Option(names = "--min-p", defaultValue = "0.0", description = "Min-p; 0 = off.")
    double minP;
    @Option(names = "--repetition-penalty", defaultValue = "1.0", description = "1 = off.")
    double repetitionPenalty;
    @Option(names = "--repetition-penalty-decay", defaultValue = "0.0")
    double repetitionPenaltyDecay;
    @Option(names = "--length-penalty", defaultValue = "0.0")
    double lengthPenalty;
    @Option(names = "--beam-width", defaultValue = "0")
    int beamWidth;
    @Option(names = "--mirostat-tau", defaultValue = "0", description = "Accepted for compatibility; mirostat is inactive in the reference.")
    double mirostatTau;
    @Option(names = "--mirostat-eta", defaultValue = "0", description = "Accepted for compatibility; mirostat is inactive in the reference.")
    double mirostatEta;
    @Option(names = "--layer-skip", description = "Accepted for compatibility; LayerSkip early exit is never wired in the reference, so it changes nothing.")
    boolean layerSkip;
    @Option(names = "--layer-skip-exit-layer", paramLabel = "N", description = "Accepted for compatibility; no effect (see --layer-skip).")
    Integer layerSkipExitLayer;
    @Option(names = "--layer-skip-entropy-threshold", defaultValue = "0.1", description = "Accepted for compatibility; no effect (see --layer-skip).")
    double layerSkipEntropyThreshold;
    @Option(names = "--layer-skip-varentropy-threshold", defaultValue = "0.1", description = "Accepted for compatibility; no effect (see --layer-skip).")
    double layerSkipVarentropyThreshold;
    @Option(names = "--dry-multiplier", defaultValue = "0")
    double dryMultiplier;
    @Option(names = "--dry-base", defaultValue = "1.75")
    double dryBase;
    @Option(names = "--dry-allowed-length", defaultValue = "2")
    int dryAllowedLength;
    @Option(names = "--cfg-strength", defaultValue = "0.0", description = "Classifier-free guidance; NAR-len uses at least 2.5.")
    double cfgStrength;
    @Option(names = "--cfg-rescale", defaultValue = "0.75")
    double cfgRescale;
    @Option(names = "--input-prompt-prefix", description = "Start the AR from the prompt's level-0 codes.")
    boolean inputPromptPrefix;
    @Option(names = "--prefix-silence", defaultValue = "0.0", description = "Seconds of silence the AR starts from.")
    double prefixSilence;
    @Option(names = "--refine-on-stop", description = "Re-derive the AR output greedily when it stops.")
    boolean refineOnStop;
    @Option(names = "--denoise-start", defaultValue = "0.0", description = "Where the demasking schedule starts, in [0, 1).")
    double denoiseStart;

    @Option(names = "--context-history", defaultValue = "0", description = "Rolling context: earlier lines that prefix the next (default: ${DEFAULT-VALUE}).")
    int contextHistory;

    @Option(names = "--sampler-option", paramLabel = "SAMPLER.KEY=VALUE",
            description = "A setting of a third-party sampler stage, for every pass (repeatable).")
    Map<String, String> samplerOptions = Map.of();

    /** The settings these flags make, through the reference's flat kwargs. */
    InferenceSettings settings() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("max_duration", maxDuration);
        kwargs.put("max_steps", maxSteps);
        kwargs.put("max_levels", maxLevels);
        kwargs.put("ar_temperature", arTemperature);
        kwargs.put("nar_temperature", narTemperature);
        kwargs.put("min_ar_temperature", minArTemperature);
        kwargs.put("min_nar_temperature", minNarTemperature);
        kwargs.put("top_p", topP);
        kwargs.put("top_k", topK);
        kwargs.put("top_no", topNo);
        kwargs.put("min_p", minP);
        kwargs.put("repetition_penalty", repetitionPenalty);
        kwargs.put("repetition_penalty_decay", repetitionPenaltyDecay);
        kwargs.put("length_penalty", lengthPenalty);
        kwargs.put("beam_width", beamWidth);
        kwargs.put("mirostat_tau", mirostatTau);
        kwargs.put("mirostat_eta", mirostatEta);
        kwargs.put("layer_skip", layerSkip);
        if (layerSkipExitLayer != null) {
            kwargs.put("layer_skip_exit_layer", layerSkipExitLayer);
        }
        kwargs.put("layer_skip_entropy_threshold", layerSkipEntropyThreshold);
        kwargs.put("layer_skip_varentropy_threshold", layerSkipVarentropyThreshold);
        kwargs.put("dry_multiplier", dryMultiplier);
        kwargs.put("dry_base", dryBase);
        kwargs.put("dry_allowed_length", dryAllowedLength);
        kwargs.put("cfg_strength", cfgStrength);
        kwargs.put("cfg_rescale", cfgRescale);
        kwargs.put("input_prompt_prefix", inputPromptPrefix);
        kwargs.put("prefix_silence", prefixSilence);
        kwargs.put("refine_on_stop", refineOnStop);
        kwargs.put("denoise_start", denoiseStart);
        kwargs.put("modality", modality.toLowerCase(Locale.ROOT));
        kwargs.put("seed", seed);
        kwargs.put("context_history", contextHistory);
        samplerOptions.forEach((key, value) -> {
            if (key.indexOf('.') < 1) {
                throw new IllegalArgumentException("--sampler-option wants SAMPLER.KEY=VALUE, got '" + key + "=" + value + "'");
            }
            kwargs.put(key, value);
        });
        return InferenceSettings.fromKwargs(kwargs);
    }
}
