package valle.core.speech;

import valle.api.Stable;

/** Observes a long generation (for progress bars); called on the generating thread. */
@Stable(since = "0.1")
@FunctionalInterface
public interface Progress {
    /** A new stage begins ("autoregressive level 0", "demasking 120 frames", ...). */
    void stage(String what);

    /** Step {@code done} of at most {@code total} of the current stage finished. */
    default void step(int done, int total) {
    }

    /** Observes nothing. */
    Progress NONE = what -> { };
}
