package valle.codec.nn;

/**
 * Whether the Vector API is in use. The module requires it, so on the module path it always is; on the class
 * path it needs {@code --add-modules jdk.incubator.vector}, and without it the kernels take their scalar loops
 * instead of failing. Kept apart from {@link VectorKernels} so that checking never loads a vector class.
 */
public final class Simd {
    /** Decided once per JVM. */
    public static final boolean ENABLED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Simd() {
    }
}
