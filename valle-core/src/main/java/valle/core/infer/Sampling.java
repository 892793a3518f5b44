package valle.core.infer;

import java.util.Objects;
import java.util.random.RandomGenerator;
import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;
import valle.core.sample.SamplingPipeline;

/** The sampling pipeline, one pass's settings and the request's seeded random source. */
public record Sampling(SamplingPipeline pipeline, SamplerSettings settings, RandomGenerator random) {
    public Sampling {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(random, "random");
    }

    /** The same pipeline and random source under other settings. */
    Sampling with(SamplerSettings other) {
        return new Sampling(pipeline, other, random);
    }

    /** Runs the stages only, returning the processed logits {@code [rows, vocab]}. */
    float[] process(float[] logits, int rows, int vocab, int[] previous, boolean autoregressive, int stopToken) {
        return pipeline.process(new SamplingInput(logits, rows, vocab, previous, autoregressive, stopToken, settings))
                .logits();
    }

    /** Samples {@code rows} rows of {@code logits} (modified in place, as the reference does). */
    SamplingPipeline.Picks pick(float[] logits, int rows, int vocab, int[] previous, boolean autoregressive,
                                int stopToken) {
        return pipeline.sample(new SamplingInput(logits, rows, vocab, previous, autoregressive, stopToken, settings),
                random);
    }
}
