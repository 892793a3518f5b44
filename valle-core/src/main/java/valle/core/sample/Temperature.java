package valle.core.sample;

import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

/**
 * The reference's temperature step ({@code docs/spec/valle-reference.md} §5.1 step 9, §5.2.6), after the filters.
 * With {@code minTemperature} below 0 read as {@code temperature}: if the two differ by 0.001 or more, dynamic
 * temperature per row ({@code p_max = 1/Σ exp(l − max)},
 * {@code T_dyn = T − (T − T_min)/(1 + exp(−10·(p_max − 0.5)))}, row /= {@code T_dyn}); else, if
 * {@code T > 0}, every logit is divided by T. Dynamic temperature also runs at T = 0 (the pick is then still
 * argmax, but the reported probabilities change). The scalars are computed in Python doubles, the division
 * in float32.
 */
public final class Temperature extends ReferenceStage implements OutOfPlace {

    public Temperature() {
        super("temperature", 500, "temperature, or dynamic temperature when min_temperature differs");
    }
    private static final double EPSILON = 0.001;
    private static final double K = 10;
    private static final double CENTRE = 0.5;

    @Override
    public boolean enabled(SamplerSettings settings) {
        return dynamic(settings) || settings.temperature() > 0f;
    }

    /** {@code logit / temperature} is a new tensor; dynamic temperature divides each row in place. */
    @Override
    public boolean copiesLogits(SamplerSettings settings) {
        return !dynamic(settings);
    }

    @Override
    public void apply(SamplingInput input) {
        SamplerSettings s = input.settings();
        float[] logits = input.logits();
        int vocab = input.vocab();
        boolean dynamic = dynamic(s);
        for (int r = 0; r < input.rows(); r++) {
            int off = r * vocab;
            float t = dynamic ? (float) dynamicTemperature(logits, off, vocab, s) : s.temperature();
            for (int i = 0; i < vocab; i++) {
                logits[off + i] /= t;
            }
        }
    }

    private static boolean dynamic(SamplerSettings s) {
        double t = RowMath.py(s.temperature());
        return Math.abs(t - minTemperature(s)) >= EPSILON;
    }

    private static double minTemperature(SamplerSettings s) {
        return s.minTemperature() < 0f ? RowMath.py(s.temperature()) : RowMath.py(s.minTemperature());
    }

    private static double dynamicTemperature(float[] logits, int off, int n, SamplerSettings s) {
        float max = RowMath.max(logits, off, n);
        double sumExp = 0;
        for (int i = 0; i < n; i++) {
            sumExp += Math.exp(logits[off + i] - max); // float32 difference, exp in double (math.exp)
        }
        double pMax = 1.0 / sumExp;
        double t = RowMath.py(s.temperature());
        return t - (t - minTemperature(s)) / (1 + Math.exp(-K * (pMax - CENTRE)));
    }
}
