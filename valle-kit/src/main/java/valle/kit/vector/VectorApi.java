package valle.kit.vector;

import valle.api.Stable;

/**
 * Whether the Vector API is in use. The modules that use it require it, so on the module path it always is; on
 * the class path it needs {@code --add-modules jdk.incubator.vector}, and without it kernels take their scalar
 * loops instead of failing. Kept apart from {@link FloatVectors} so that asking never loads a vector class.
 */
@Stable(since = "0.1")
public final class VectorApi {
    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorApi() {
    }

    /** Whether {@code jdk.incubator.vector} is in the boot layer; decided once per JVM. */
    public static boolean present() {
        return PRESENT;
    }
}
