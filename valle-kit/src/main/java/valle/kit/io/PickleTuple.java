package valle.kit.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import valle.api.Experimental;

/**
 * A Python tuple as the {@link Unpickler} builds it: immutable, and kept apart from lists (which pickles build
 * mutable, as {@code ArrayList}), since the shapes that globals take are told apart by it.
 *
 * @param items the elements, in order (unmodifiable; may hold {@code null}, Python's {@code None})
 */
@Experimental("part of what PickleGlobals are given, which may still grow as more pickled formats are read")
public record PickleTuple(List<Object> items) {
    /** Copies {@code items}. */
    public PickleTuple {
        items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    /** A tuple of {@code items}. */
    public static PickleTuple of(Object... items) {
        return new PickleTuple(Arrays.asList(items));
    }

    /** The number of elements. */
    public int size() {
        return items.size();
    }

    /** Element {@code i}. */
    public Object get(int i) {
        return items.get(i);
    }

    /**
     * The size alone: a hostile pickle can build a tuple that holds a list that holds the tuple, and printing the
     * elements would never end.
     */
    @Override
    public String toString() {
        return "a tuple of " + items.size();
    }
}
