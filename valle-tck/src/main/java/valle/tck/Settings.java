package valle.tck;

import java.util.Map;

/**
 * The reference's flat sampling kwargs of an inference case ({@code values.sampling_kwargs} of its manifest),
 * with the reference's function defaults for what is absent.
 */
record Settings(int maxDuration, int maxLevels, int maxSteps, float arTemperature, float narTemperature,
                float cfgStrength, float cfgRescale) {

    static Settings of(GoldenFolder g) {
        Map<?, ?> kw = g.value("sampling_kwargs").map(v -> (Map<?, ?>) v).orElse(Map.of());
        return new Settings(
                number(kw, "max_duration", 500).intValue(),
                number(kw, "max_levels", 0).intValue(),
                number(kw, "max_steps", 25).intValue(),
                number(kw, "ar_temperature", 1.0).floatValue(),
                number(kw, "nar_temperature", 0.0).floatValue(),
                number(kw, "cfg_strength", 0.0).floatValue(),
                number(kw, "cfg_rescale", 0.75).floatValue());
    }

    /** Whether every sampling step of the case is an argmax. */
    boolean greedy() {
        return arTemperature == 0f && narTemperature == 0f;
    }

    private static Number number(Map<?, ?> kw, String key, Number fallback) {
        return kw.get(key) instanceof Number n ? n : fallback;
    }
}
