package valle.kit.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
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
 * pass, and may run the pairs of a batched incremental pass together ({@link #passes}).
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
        try (S scratch = newPassState()) {
            return checkedPass(scratch, input, probe, false);
        }
    }

    /**
     * A state for one full pass whose rows are not kept ({@link #forward(BackboneInput)}): {@link #newState()}
     * unless a backbone can do with less, as one whose layers may overwrite each other's cached rows.
     */
    protected S newPassState() {
        return newState();
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

    /**
     * Checks the batch (as many states as inputs, each state this backbone's own, open and given once, every
     * input as wide as the backbone), answers the inputs without rows with no rows, and runs the others through
     * {@link #passes}.
     *
     * @throws IllegalArgumentException when the lists differ in size, a state appears twice or another backbone
     *         made it
     * @throws IllegalStateException    when this backbone or a state is closed
     */
    @Override
    public final List<float[]> forward(List<BackboneState> states, List<BackboneInput> inputs) {
        ensureOpen();
        if (states.size() != inputs.size()) {
            throw new IllegalArgumentException(states.size() + " states for " + inputs.size() + " inputs");
        }
        Set<BackboneState> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        List<S> own = new ArrayList<>(states.size());
        List<BackboneInput> rows = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            if (!distinct.add(states.get(i))) {
                throw new IllegalArgumentException("a state appears twice in one batched pass (sequence " + i + ")");
            }
            S state = OwnedState.owned(states.get(i), stateType, this, name);
            state.ensureOpen();
            BackboneInputs.requireWidth(inputs.get(i), config.hiddenSize());
            if (inputs.get(i).rows() > 0) {
                own.add(state);
                rows.add(inputs.get(i));
            }
        }
        List<float[]> done = own.isEmpty() ? List.of() : passes(own, rows);
        List<float[]> out = new ArrayList<>(inputs.size());
        for (int i = 0, next = 0; i < inputs.size(); i++) {
            out.add(inputs.get(i).rows() > 0 ? done.get(next++) : new float[0]);
        }
        return out;
    }

    /**
     * Appends each input's rows to its state, as {@link #pass} would with {@code keep} set, and returns their
     * hidden states, in order. Each result must equal that {@link #pass} bit for bit, whatever the other pairs
     * are. The states are distinct, open and this backbone's; every input has rows. By default the pairs run one
     * after the other; a backbone that can read its weights once for all of them overrides this.
     */
    protected List<float[]> passes(List<S> states, List<BackboneInput> inputs) {
        List<float[]> out = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            out.add(pass(states.get(i), inputs.get(i), UNWATCHED, true));
        }
        return out;
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
