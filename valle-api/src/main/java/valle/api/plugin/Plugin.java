package valle.api.plugin;

import valle.api.Experimental;
import valle.api.Stable;

/**
 * What every valle plugin is: a named provider with a priority for {@code auto} and an answer to "can it run
 * here?".
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}; their public no-argument constructor must be
 * cheap and must never throw. Anything heavy or native (a library load, a model) happens in
 * {@link #availability()} or when the plugin's work object is opened, so that a missing dependency shows up
 * as an unavailable plugin with a reason, not as a {@code ServiceConfigurationError}.
 */
@Stable(since = "0.1")
public interface Plugin {

    /**
     * The name users select the plugin by: lowercase ASCII letters, digits and {@code '-'}, starting with a
     * letter ({@code "llama"}, {@code "sdpa"}, {@code "mem-efficient"}). Checked when the registry is built;
     * two providers of one kind with one name are an error.
     */
    String name();

    /** Higher wins under {@code auto} among the available providers that support a request. */
    int priority();

    /** Whether the plugin can run in this JVM, and if not why and how to fix it. Cheap; never throws. */
    Availability availability();

    /**
     * What the plugin computes on: {@code "java"} (plain Java, the default) or a native runtime such as
     * {@code "onnx"} (ONNX Runtime) or {@code "djl"} (DJL with PyTorch); a valid {@linkplain #isValidName name}.
     * Several providers of one kind may share a {@link #name()} when their backends differ (the {@code llama}
     * arch on java, onnx and djl); users pick among them with {@code --backend}, and {@code auto} takes the
     * available one with the highest {@link #priority()}.
     */
    @Experimental("added with the ONNX Runtime and DJL backends; the backend names may grow")
    default String backend() {
        return JAVA_BACKEND;
    }

    /** The backend of plain-Java plugins. */
    String JAVA_BACKEND = "java";

    /** One line for {@code ./valle plugins}: what the plugin is. */
    default String description() {
        return getClass().getName();
    }

    /** Whether {@code name} is a valid plugin name (see {@link #name()}). */
    static boolean isValidName(String name) {
        return name != null && name.matches("[a-z][a-z0-9-]*");
    }
}
