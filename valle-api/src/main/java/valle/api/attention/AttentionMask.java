package valle.api.attention;

import valle.api.Stable;

/**
 * Which keys a query row may see. Query row {@code i} and key {@code j} index the rows of one
 * {@link AttentionProblem}.
 */
@Stable(since = "0.1")
public sealed interface AttentionMask {

    /** Every query sees every key (bidirectional, as VALL-E's NAR passes with {@code noncausal_masks}). */
    record None() implements AttentionMask {
    }

    /**
     * Query {@code i} sees key {@code j} iff {@code j <= i + offset}. {@code offset = keys - queries} aligns
     * bottom-right (decoding over a cache); {@code 0} aligns top-left.
     */
    record Causal(int offset) implements AttentionMask {
    }

    /** Causal as above, and additionally only the last {@code window} keys: {@code j > i + offset - window}. */
    record SlidingWindow(int offset, int window) implements AttentionMask {
        public SlidingWindow {
            if (window < 1) {
                throw new IllegalArgumentException("window must be >= 1, got " + window);
            }
        }
    }

    /** Every query sees keys {@code 0 .. validKeys-1}; the rest are padding and are never read. */
    record KeyPadding(int validKeys) implements AttentionMask {
        public KeyPadding {
            if (validKeys < 0) {
                throw new IllegalArgumentException("validKeys must be >= 0, got " + validKeys);
            }
        }
    }

    /**
     * A dense additive bias {@code [queries, keys]} added to the scaled scores, shared by every head; entries
     * of {@link Float#NEGATIVE_INFINITY} hide a key.
     */
    record Bias(float[] values) implements AttentionMask {
    }

    static AttentionMask none() {
        return new None();
    }

    static AttentionMask causal(int offset) {
        return new Causal(offset);
    }

    /**
     * The first key query {@code i} may see; keys before it are hidden. For {@link Bias} 0: its hidden keys
     * are the {@code -inf} entries, checked one by one.
     */
    default int visibleFrom(int i, int keys) {
        return switch (this) {
            case SlidingWindow w -> Math.max(0, i + w.offset() - w.window() + 1);
            default -> 0;
        };
    }

    /** One past the last key query {@code i} may see (at most {@code keys}). */
    default int visibleTo(int i, int keys) {
        return switch (this) {
            case None n -> keys;
            case Causal c -> Math.clamp((long) i + c.offset() + 1, 0, keys);
            case SlidingWindow w -> Math.clamp((long) i + w.offset() + 1, 0, keys);
            case KeyPadding p -> Math.min(p.validKeys(), keys);
            case Bias b -> keys;
        };
    }

    /** Whether query {@code i} may see key {@code j} (for {@link Bias}: whether the bias is finite). */
    default boolean visible(int i, int j, int keys) {
        return switch (this) {
            case None n -> true;
            case Causal c -> j <= i + c.offset();
            case SlidingWindow w -> j <= i + w.offset() && j > i + w.offset() - w.window();
            case KeyPadding p -> j < p.validKeys();
            case Bias b -> b.values()[i * keys + j] != Float.NEGATIVE_INFINITY;
        };
    }
}
