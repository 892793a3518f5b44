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

    /**
     * Whether the work should stop now (the client left), asked before each backbone pass of a request that runs in
     * a scheduler slot ({@code Valle.builder().slots(n)}), so that its slot is freed at the next tick; the request
     * then ends with a {@link java.util.concurrent.CancellationException}. Throwing from {@link #step} stops it too,
     * at the next step.
     */
    default boolean cancelled() {
        return false;
    }

    /** Observes nothing. */
    Progress NONE = what -> { };
}
