package valle.api.arch;

import valle.api.Stable;

/** How the rows of one backbone input attend to each other. */
@Stable(since = "0.1")
public enum MaskMode {
    /** Row {@code i} sees rows {@code 0..i} (and every cached row before them). */
    CAUSAL,
    /** Every row sees every row (VALL-E's NAR passes when the checkpoint sets {@code noncausal_masks}). */
    BIDIRECTIONAL
}
