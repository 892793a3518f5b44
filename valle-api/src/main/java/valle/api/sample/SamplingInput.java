package valle.api.sample;

import java.util.Objects;
import valle.api.Stable;

/**
 * The logits rows of one sampling call, handed to every enabled {@link Sampler} stage in turn.
 *
 * @param logits        {@code [rows, vocab]} row-major, modified in place by the stages
 * @param rows          rows to sample: 1 for an AR step, T for a NAR or NAR-len pass
 * @param vocab         classes per row
 * @param previous      AR: every token generated so far; NAR: the codes of the level below, one per row
 * @param autoregressive whether this is an AR pass (the reference's {@code quant_levels is None})
 * @param stopToken     the stop class of an AR head (for the length penalty), or -1
 * @param settings      the pass's settings
 */
@Stable(since = "0.1")
public record SamplingInput(float[] logits, int rows, int vocab, int[] previous, boolean autoregressive,
                            int stopToken, SamplerSettings settings) {

    public SamplingInput {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(settings, "settings");
        if (rows < 0 || vocab < 1 || logits.length < (long) rows * vocab) {
            throw new IllegalArgumentException("logits of " + logits.length + " values cannot hold " + rows
                    + " rows of " + vocab);
        }
    }
}
