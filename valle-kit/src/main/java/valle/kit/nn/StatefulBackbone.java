package valle.kit.nn;

import valle.api.Experimental;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;

/**
 * What a backbone whose passes all run through an {@link OwnedState} shares: its config; a full pass as a
 * {@link #pass} through a fresh state that is closed after it; the checks before a pass (the backbone and the
 * caller's state open, the state this backbone's own, the rows as wide as the backbone) and the pass of no rows,
 * which returns none and leaves the state as it was; and closing once. A subclass makes its states and runs the
 * pass.
 *
 * @param <S> the backbone's state
 */
@Experimental("shared by the backbone plugins since the kit was made; the hooks may change with a new backbone")
public abstract class StatefulBackbone<S extends OwnedState<S>> implements Backbone {
    /** The probe of a pass nobody watches: a pass handed this one may skip what only a probe would read. */
    protected static final BackboneProbe UNWATCHED = new BackboneProbe() { };

    private final BackboneConfig config;
    private final Class<S> stateType;
    private final String name;
    private volatile boolean closed;

    /**
     * @param stateType the class of the states {@link #newState()} makes
     * @param name      what the backbone is, for error messages ("mixtral backbone")
     */
    protected StatefulBackbone(BackboneConfig config, Class<S> stateType, String name) {
        this.config = config;
        this.stateType = stateType;
        this.name = name;
    }

    @Override
    public final BackboneConfig config() {
        return config;
    }

    /** A full pass, watched by nobody. */
    @Override
    public float[] forward(BackboneInput input) {
        return forward(input, UNWATCHED);
    }

    /** A full pass: {@link #pass} through a fresh state, closed after it, that need not keep the rows. */
    @Override
    public float[] forward(BackboneInput input, BackboneProbe probe) {
        ensureOpen();
        try (S scratch = newState()) {
            return checkedPass(scratch, input, probe, false);
        }
    }

    @Override
    public abstract S newState();

    /**
     * @throws IllegalArgumentException when another backbone made {@code state}
     * @throws IllegalStateException    when this backbone or the state is closed
     */
    @Override
    public final float[] forward(BackboneState state, BackboneInput input) {
        ensureOpen();
        S own = OwnedState.owned(state, stateType, this, name);
        own.ensureOpen();
        return checkedPass(own, input, UNWATCHED, true);
    }

    private float[] checkedPass(S state, BackboneInput input, BackboneProbe probe, boolean keep) {
        BackboneInputs.requireWidth(input, config.hiddenSize());
        return input.rows() == 0 ? new float[0] : pass(state, input, probe, keep);
    }

    /**
     * Appends {@code input}'s rows (one or more, as wide as the backbone) to {@code state}, an open state of this
     * open backbone's, and returns their hidden states {@code [rows, D]} (see
     * {@link Backbone#forward(BackboneState, BackboneInput)}).
     *
     * @param probe what sees inside the pass; {@link #UNWATCHED} when nobody does
     * @param keep  whether the state is used after the pass; false for a full pass's throw-away state, whose new
     *              rows a backbone may leave out of it
     */
    protected abstract float[] pass(S state, BackboneInput input, BackboneProbe probe, boolean keep);

    /** @throws IllegalStateException once the backbone is closed */
    protected final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this " + name + " is closed");
        }
    }

    /** Whether {@link #close()} has been called. */
    protected final boolean isClosed() {
        return closed;
    }

    /** Closes the backbone once ({@link #release()}); later calls do nothing. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /** Frees what the backbone holds beyond the model's weights, once it is closed; nothing by default. */
    protected void release() {
    }
}
