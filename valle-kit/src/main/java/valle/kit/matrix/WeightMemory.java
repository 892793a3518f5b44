package valle.kit.matrix;

import java.lang.foreign.Arena;
import valle.api.Experimental;

/**
 * The off-heap memory a model's packed weights live in, freed when the model closes rather than when the
 * collector gets round to it: the heap no longer holds (and the collector no longer copies or scans) a copy
 * of the weights, and a closed model gives its memory back at once. {@link #close()} is idempotent; a
 * {@link PackedMatrix} of a closed memory refuses every product with an {@link IllegalStateException} naming
 * its owner, never reads freed memory. Products may run on any thread (a shared arena); closing while one runs
 * is refused by the arena, not a crash.
 */
@Experimental
public final class WeightMemory implements AutoCloseable {
    private final Arena arena;
    private final String owner;
    /** False for an automatic arena, which cannot be closed: the collector frees it. */
    private final boolean closeable;
    private boolean closed;

    private WeightMemory(Arena arena, String owner, boolean closeable) {
        this.arena = arena;
        this.owner = owner;
        this.closeable = closeable;
    }

    /** New memory for {@code owner}'s weights (named in the error a product after {@link #close()} gets). */
    public static WeightMemory open(String owner) {
        return new WeightMemory(Arena.ofShared(), owner, true);
    }

    /** Memory the collector frees once no matrix packed into it is reachable (tools, tests, one-off matrices). */
    static WeightMemory collected() {
        return new WeightMemory(Arena.ofAuto(), "a matrix without an owner", false);
    }

    Arena arena() {
        return arena;
    }

    String owner() {
        return owner;
    }

    /** Frees every matrix packed into this memory; later products throw. Closing again does nothing. */
    @Override
    public synchronized void close() {
        if (!closed && closeable) {
            arena.close();
        }
        closed = true;
    }
}
