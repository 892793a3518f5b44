package valle.kit.io;

import valle.api.Experimental;

/**
 * What one kind of pickled file may build, given to the {@link Unpickler} by its caller: the globals it may name
 * (compared by name, never looked up or instantiated), what calling one of them ({@code REDUCE}) makes, what
 * {@code BUILD} may set on an object, and, where the format has them, persistent ids. Everything else in such a
 * file is refused. A method refuses with {@link Unpickler#fail}, which names the file, the opcode and its offset.
 *
 * <p>The objects a caller makes describe themselves in messages through {@code toString}
 * ({@link Unpickler#describe}): {@code "numpy.ndarray"}, {@code "a tensor"}.
 */
@Experimental("the hooks a caller gives (PickleGlobals) may still grow as more pickled formats are read")
public interface PickleGlobals {
    /** What such a file is, for messages: {@code "an .enc file"}, {@code "a state-dict checkpoint"}. */
    String kind();

    /**
     * The object that stands for the global {@code module.name} (what {@code GLOBAL} or {@code STACK_GLOBAL}
     * pushes), or {@code null} when such a file may not name it.
     */
    Object global(String module, String name);

    /** The result of calling {@code callable} (anything on the stack) with {@code args} ({@code REDUCE}). */
    Object reduce(Object callable, PickleTuple args, Unpickler at);

    /** Sets {@code state} on {@code target}, the object under it on the stack ({@code BUILD}). */
    void build(Object target, Object state, Unpickler at);

    /** The object a persistent id stands for ({@code BINPERSID}); formats without them keep this refusal. */
    default Object persistent(Object pid, Unpickler at) {
        throw at.fail("opcode is not allowed in " + kind());
    }
}
