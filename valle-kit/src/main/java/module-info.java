/**
 * The helpers that core and every plugin share, so that each exists once: vector kernels (fixed-order sums, dot
 * products, packed matrices) and the kernel pool with one thread policy, nn pieces, and readers for the files
 * models come in, and the base classes plugins describe themselves with. Plugins depend on {@code valle.api} and
 * this module, never on each other.
 *
 * <p>Every public type says how far it may be relied on ({@link valle.api.Stable} or
 * {@link valle.api.Experimental}). This module depends on {@code valle.api} and the JDK only.
 */
module valle.kit {
    requires transitive valle.api;
    requires jdk.incubator.vector;

    exports valle.kit.io;
    exports valle.kit.matrix;
    exports valle.kit.nn;
    exports valle.kit.plugin;
    exports valle.kit.quant;
    exports valle.kit.thread;
    exports valle.kit.vector;
}
