package valle.api.sample;

import valle.api.Stable;
import valle.api.plugin.Plugin;

/**
 * One stage of the sampling pipeline (repetition penalty, top-k/top-p, temperature, DRY, ...). Every
 * discovered stage that {@linkplain #enabled(SamplerSettings) is enabled} by a request's settings runs, in
 * increasing {@link #order()}, on the logits of each sampling call; then the loop picks tokens (argmax at
 * temperature 0, else a categorical draw from the request's seeded random source).
 *
 * <p>The reference's stages and their orders: repetition penalty 100, length penalty 200, min-p 300,
 * top-k/top-p 400, temperature 500, top-nσ 600, DRY 700. A third-party stage picks an order between them.
 * Stages are stateless and thread-safe.
 *
 * <p>A stage reads its own settings from the request's {@linkplain SamplerSettings#options() options}, keyed by
 * its {@linkplain #name() name}: a stage named {@code mirostat} is switched on and steered by
 * {@code --sampler-option mirostat.tau=4.5} on the command line, or by
 * {@code SamplerSettings.builder().option("mirostat", "tau", "4.5")} (through
 * {@code InferenceSettings.builder().samplerOption(...)} for every pass of a request), and reads it with
 * {@code settings.doubleOption("mirostat", "tau", 5.0)} in {@link #enabled} and {@link #apply}. An option
 * naming no discovered stage fails the request.
 */
@Stable(since = "0.1")
public interface Sampler extends Plugin {

    /** Where the stage runs: lower first. */
    int order();

    /** Whether {@code settings} switch this stage on. */
    boolean enabled(SamplerSettings settings);

    /** Rewrites {@code input.logits()} in place. */
    void apply(SamplingInput input);
}
