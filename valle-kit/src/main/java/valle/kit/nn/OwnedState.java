package valle.kit.nn;

import valle.api.Experimental;
import valle.api.arch.BackboneState;

/**
 * The bookkeeping every backbone's decoding state shares: the backbone that made it (a state is refused by any
 * other), the rows consumed so far, and closing. A closed state refuses {@link #fork} and {@link #reset}, and
 * {@link #ensureOpen} lets a pass refuse it too. Subclasses hold the buffers: they copy them for a fork, clear
 * them for a reset and drop them when closed.
 *
 * @param <S> the subclass, which {@link #fork} returns
 */
@Experimental("shared by the backbone plugins since the kit was made; the hooks may change with a new backbone")
public abstract class OwnedState<S extends OwnedState<S>> implements BackboneState {
    private final Object owner;
    private final String name;
    private int length;
    private boolean closed;

    /**
     * An empty state of {@code owner}'s.
     *
     * @param name what the state is, for error messages ("llama KV cache")
     */
    protected OwnedState(Object owner, String name) {
        this.owner = owner;
        this.name = name;
    }

    /** A copy of {@code from}'s bookkeeping (owner, name, rows), for a {@link #copy}. */
    protected OwnedState(S from) {
        OwnedState<S> source = from;
        this.owner = source.owner;
        this.name = source.name;
        this.length = source.length;
    }

    /**
     * {@code state} as a {@code type} made by {@code backbone}.
     *
     * @param what the backbone, for the error message ("llama backbone")
     * @throws IllegalArgumentException when another backbone, or another kind of backbone, made it
     */
    public static <S extends OwnedState<S>> S owned(BackboneState state, Class<S> type, Object backbone,
                                                    String what) {
        if (type.isInstance(state) && ((OwnedState<?>) state).owner == backbone) {
            return type.cast(state);
        }
        throw new IllegalArgumentException("this state was not made by this " + what);
    }

    @Override
    public final int length() {
        return length;
    }

    /** Counts {@code rows} more rows as consumed. */
    public final void advance(int rows) {
        length += rows;
    }

    /** @throws IllegalStateException when the state is closed */
    public final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this " + name + " is closed");
        }
    }

    @Override
    public final S fork() {
        ensureOpen();
        return copy();
    }

    @Override
    public final void reset() {
        ensureOpen();
        clear();
        length = 0;
    }

    /** Closes the state once: later calls do nothing. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /** An independent copy of this open state, rows and buffers. */
    protected abstract S copy();

    /** Forgets the buffers' contents for a {@link #reset}; the row count is zeroed after it. */
    protected abstract void clear();

    /** Drops or frees the buffers once the state is closed. */
    protected abstract void release();
}
